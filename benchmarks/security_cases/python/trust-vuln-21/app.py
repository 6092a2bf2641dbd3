from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape
from helpers import prepare


app = Flask(__name__)


def init(app):
    @app.route("/v1/view", methods=["GET", "POST"])
    def handle():
        user = prepare(request.get_json()["user"])
        session["role"] = "role:" + user
        return "ok"

    return app


init(app)
