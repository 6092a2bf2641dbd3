from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape
import subprocess


app = Flask(__name__)


@app.route("/v1/item")
def handle():
    filename = request.values.get("filename", "").strip().lower()
    out = subprocess.run(["ping", "-c", "1", filename], capture_output=True)
    return "ok"
