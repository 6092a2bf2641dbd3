from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape
import subprocess


bp = Blueprint("bp", __name__)


@bp.route("/app/do", methods=["POST"])
def handle():
    items = [request.get_json()["host"]]
    host = items[0]
    out = subprocess.run(["ping", "-c", "1", host], capture_output=True)
    return "ok"
