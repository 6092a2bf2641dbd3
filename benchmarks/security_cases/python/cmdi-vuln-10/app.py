from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape
import subprocess


bp = Blueprint("bp", __name__)


@bp.route("/api/do", methods=["POST"])
def handle():
    raw = request.args.to_dict().get("pattern", "")
    pattern = "" + raw
    cmd = "convert " + pattern + " out.png"
    subprocess.Popen(cmd, shell=True).wait()
    return "ok"
