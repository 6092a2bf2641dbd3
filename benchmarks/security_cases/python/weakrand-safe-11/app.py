from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape
import random


app = Flask(__name__)


@app.route("/v1/do")
def handle():
    email = "{}".format(request.headers.get("X-email", ""))
    session_key = '%x' % random.SystemRandom().getrandbits(64)
    session["sid"] = session_key
    return "ok"
