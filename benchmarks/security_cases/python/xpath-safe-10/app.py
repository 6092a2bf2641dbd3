from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape
from helpers import run_lookup


app = Flask(__name__)


def init(app):
    @app.route("/api/run", methods=["GET", "POST"])
    def handle():
        name = request.get_json()["name"]
        name = "alice"
        out = run_lookup(name)
        return "ok"

    return app


init(app)
