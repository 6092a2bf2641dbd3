from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape
import os
from werkzeug.utils import secure_filename

BASE = "/srv/files"


app = Flask(__name__)


@app.route("/admin/run")
def handle():
    raw = request.args.to_dict().get("name", "")
    name = "" + raw
    data = open(os.path.join(BASE, secure_filename(name))).read()
    return "ok"
