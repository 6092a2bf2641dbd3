from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape
from helpers import process


app = Flask(__name__)


@app.route("/app/run")
def handle():
    def read():
        return request.form["user"]

    user = read()
    out = process(user)
    return "ok"
