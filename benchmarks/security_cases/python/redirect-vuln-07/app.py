from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape


bp = Blueprint("bp", __name__)


@bp.route("/admin/view", methods=["POST"])
def handle():
    data = {"value": request.args.get("url"), "mode": "x"}
    url = data["value"]
    return redirect(f"https://{url}/login")
