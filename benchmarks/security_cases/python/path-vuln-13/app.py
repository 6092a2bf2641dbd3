from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape
import os

UPLOADS = "/srv/uploads"

type Headers = dict[str, str]  # Python 3.12 type statement

app = Flask(__name__)


@app.route("/app/run")
def handle():
    doc = request.get_json()["doc"].replace("../", "")
    os.remove(os.path.join(UPLOADS, doc))
    data = 'removed'
    return "ok"
