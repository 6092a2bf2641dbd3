from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape
import os

BASE = "/srv/files"


app = Flask(__name__)


@app.route("/v1/run")
def handle():
    name = str(int(request.get_json()["name"]))
    data = open(os.path.join(BASE, name)).read()
    return "ok"
