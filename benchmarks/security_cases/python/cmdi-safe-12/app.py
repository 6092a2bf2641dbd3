from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape
import subprocess


bp = Blueprint("bp", __name__)


@bp.route("/api/item", methods=["POST"])
def handle():
    pair = ("x", request.values.get("host", ""))
    _, host = pair
    out = subprocess.run(["ping", "-c", "1", host], capture_output=True)
    return "ok"
