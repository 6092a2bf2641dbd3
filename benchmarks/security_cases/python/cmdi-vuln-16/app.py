from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape
import subprocess


app = Flask(__name__)


@app.route("/admin/run")
def handle():
    pattern = request.values.get("pattern", "")
    out = subprocess.check_output("nslookup " + pattern, shell=True)
    return "ok"
