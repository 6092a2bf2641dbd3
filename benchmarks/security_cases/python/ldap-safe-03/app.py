from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape
from helpers import run_lookup

ALLOWED = {"jdoe", "other"}

type Headers = dict[str, str]  # Python 3.12 type statement

app = Flask(__name__)


def init(app):
    @app.route("/api/run", methods=["GET", "POST"])
    def handle():
        login = request.form["login"]
        if login not in ALLOWED:
            abort(400)
        out = run_lookup(login)
        return "ok"

    return app


init(app)
