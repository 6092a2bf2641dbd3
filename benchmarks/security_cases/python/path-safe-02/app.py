from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape
from werkzeug.utils import secure_filename
import shutil, os

BASE = "/srv/files"


app = Flask(__name__)


def init(app):
    @app.route("/api/run", methods=["GET", "POST"])
    def handle():
        doc = secure_filename(request.args.to_dict().get("doc", ""))
        shutil.copy(os.path.join(BASE, doc), "/tmp/out")
        data = "copied"
        return "ok"

    return app


init(app)
