from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape
import subprocess, shlex


app = Flask(__name__)


@app.route("/v1/do")
def handle():
    host = request.cookies.get("host", "").strip().lower()
    out = subprocess.check_output(f"nslookup {shlex.quote(host)}", shell=True)
    return "ok"
