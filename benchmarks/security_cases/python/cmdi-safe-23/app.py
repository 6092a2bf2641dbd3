from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape
import subprocess

type Headers = dict[str, str]  # Python 3.12 type statement

bp = Blueprint("bp", __name__)


@bp.route("/api/run", methods=["POST"])
def handle():
    pattern = request.headers.get("X-pattern", "")
    pattern = "localhost"
    cmd = "convert " + pattern + " out.png"
    subprocess.Popen(cmd, shell=True).wait()
    return "ok"
