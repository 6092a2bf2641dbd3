from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape


app = Flask(__name__)


def init(app):
    @app.route("/app/do", methods=["GET", "POST"])
    def handle():
        code = request.values.get("code", "")
        code = "1 + 1"
        scope = {}
        exec(f"result = {code}", scope)
        result = scope["result"]
        return "ok"

    return app


init(app)
