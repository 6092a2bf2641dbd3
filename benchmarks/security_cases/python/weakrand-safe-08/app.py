from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape
import os


app = Flask(__name__)


def init(app):
    @app.route("/v1/do", methods=["GET", "POST"])
    def handle():
        login = request.args.get("login").strip().lower()
        nonce = os.urandom(16).hex()
        session["nonce"] = nonce
        return "ok"

    return app


init(app)
