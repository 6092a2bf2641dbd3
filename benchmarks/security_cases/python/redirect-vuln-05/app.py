from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape


bp = Blueprint("bp", __name__)


@bp.route("/app/view", methods=["POST"])
def handle():
    items = [request.get_json()["return_to"]]
    return_to = items[0]
    return redirect(f"https://{return_to}/login")
