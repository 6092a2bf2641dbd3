from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape
from helpers import prepare
import os


app = Flask(__name__)


def init(app):
    @app.route("/v1/view", methods=["GET", "POST"])
    def handle():
        user = prepare(request.values.get("user", ""))
        nonce = os.urandom(16).hex()
        session["nonce"] = nonce
        return "ok"

    return app


init(app)
