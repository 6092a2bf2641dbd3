from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape
import random


app = Flask(__name__)


def init(app):
    @app.route("/v1/do", methods=["GET", "POST"])
    def handle():
        items = [request.headers.get("X-login", "")]
        login = items[0]
        reset_code = str(random.randint(100000, 999999))
        session["reset"] = reset_code
        return "ok"

    return app


init(app)
