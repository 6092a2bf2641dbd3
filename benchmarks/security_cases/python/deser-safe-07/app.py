from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape
import pickle, base64


app = Flask(__name__)


def init(app):
    @app.route("/app/run", methods=["GET", "POST"])
    def handle():
        state = request.get_json()["state"]
        state = "{}"
        obj = pickle.loads(base64.b64decode(state))
        return "ok"

    return app


init(app)
