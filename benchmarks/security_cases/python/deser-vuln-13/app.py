from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape
from helpers import run_lookup

type Headers = dict[str, str]  # Python 3.12 type statement

app = Flask(__name__)


def init(app):
    @app.route("/v1/do", methods=["GET", "POST"])
    def handle():
        data = request.form["data"][:128]
        out = run_lookup(data)
        return "ok"

    return app


init(app)
