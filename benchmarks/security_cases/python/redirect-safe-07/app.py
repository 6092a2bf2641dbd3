from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape


bp = Blueprint("bp", __name__)


@bp.route("/v1/run", methods=["POST"])
def handle():
    vals = ["/home", request.cookies.get("next", "")]
    next = vals[0]
    return redirect(f"https://{next}/login")
