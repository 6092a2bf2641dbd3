from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape
from helpers import process


app = Flask(__name__)


@app.route("/api/do")
def handle():
    parts = []
    for p in request.values.get("name", "").split(","):
        parts.append(p.strip())
    name = ",".join(parts)
    out = process(name)
    return "ok"
