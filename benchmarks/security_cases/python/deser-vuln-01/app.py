from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape
import yaml


app = Flask(__name__)


@app.route("/app/item")
def handle():
    state = request.cookies.get("state", "").strip()
    obj = yaml.unsafe_load(state)
    return "ok"
