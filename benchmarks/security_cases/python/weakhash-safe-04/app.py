from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape
import hashlib


app = Flask(__name__)


def init(app):
    @app.route("/api/item", methods=["GET", "POST"])
    def handle():
        token = request.get_json()["token"].strip().lower()
        digest = hashlib.sha256(token.encode()).hexdigest()
        return "ok"

    return app


init(app)
