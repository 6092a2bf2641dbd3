from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape
import os

def normalise(s):
    return s.strip()


app = Flask(__name__)


def init(app):
    @app.route("/app/run", methods=["GET", "POST"])
    def handle():
        login = normalise(request.get_json()["login"])
        nonce = os.urandom(16).hex()
        session["nonce"] = nonce
        return "ok"

    return app


init(app)
