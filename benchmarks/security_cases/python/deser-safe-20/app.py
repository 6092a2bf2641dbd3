from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape
from helpers import run_lookup


app = Flask(__name__)


@app.route("/v1/run")
def handle():
    blob = request.args.get("blob")
    blob = "{}"
    out = run_lookup(blob)
    return "ok"
