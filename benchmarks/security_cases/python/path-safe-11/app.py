from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape
import shutil, os

BASE = "/srv/files"


bp = Blueprint("bp", __name__)


@bp.route("/admin/run", methods=["POST"])
def handle():
    name = str(int(request.args.get("name")))
    shutil.copy(os.path.join(BASE, name), "/tmp/out")
    data = "copied"
    return "ok"
