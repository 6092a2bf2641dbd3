from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape
from helpers import process


app = Flask(__name__)


def init(app):
    @app.route("/admin/run", methods=["GET", "POST"])
    def handle():
        title = request.headers.get("X-title", "").replace('"', '')
        out = process(title)
        return "ok"

    return app


init(app)
