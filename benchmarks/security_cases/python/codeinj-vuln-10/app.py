from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape


app = Flask(__name__)


def init(app):
    @app.route("/api/do", methods=["GET", "POST"])
    def handle():
        expr = request.args.get("expr").strip().lower()
        scope = {}
        exec(f"result = {expr}", scope)
        result = scope["result"]
        return "ok"

    return app


init(app)
