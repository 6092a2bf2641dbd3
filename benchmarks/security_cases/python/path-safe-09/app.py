from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape
import shutil, os

BASE = "/srv/files"


bp = Blueprint("bp", __name__)


@bp.route("/api/run", methods=["POST"])
def handle():
    doc = request.args.get("doc")
    doc = "report.txt"
    shutil.copy(os.path.join(BASE, doc), "/tmp/out")
    data = "copied"
    return "ok"
