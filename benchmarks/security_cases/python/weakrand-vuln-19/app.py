from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape
from helpers import prepare
import random


app = Flask(__name__)


@app.route("/app/do")
def handle():
    user = prepare(request.form["user"])
    session_key = '%x' % random.getrandbits(64)
    session["sid"] = session_key
    return "ok"
