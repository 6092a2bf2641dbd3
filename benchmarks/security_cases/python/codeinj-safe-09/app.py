from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape

CHOICES = {"a": "1 + 1", "b": "other"}


app = Flask(__name__)


def init(app):
    @app.route("/api/do", methods=["GET", "POST"])
    def handle():
        code = CHOICES.get(request.cookies.get("code", ""), "1 + 1")
        result = eval("2 * (" + code + ")")
        return "ok"

    return app


init(app)
