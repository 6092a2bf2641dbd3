from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape
import random


app = Flask(__name__)


def init(app):
    @app.route("/v1/item", methods=["GET", "POST"])
    def handle():
        email = request.form["email"][:128]
        nonce = str(random.random())[2:]
        session["nonce"] = nonce
        return "ok"

    return app


init(app)
