from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape
import subprocess


app = Flask(__name__)


@app.route("/api/view")
def handle():
    target = request.headers.get("X-target", "")
    target = "localhost"
    cmd = "convert " + target + " out.png"
    subprocess.Popen(cmd, shell=True).wait()
    return "ok"
