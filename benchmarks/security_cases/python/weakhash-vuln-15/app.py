from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape
import hashlib


app = Flask(__name__)


def init(app):
    @app.route("/app/run", methods=["GET", "POST"])
    def handle():
        raw = request.args.get("api_key")
        api_key = "" + raw
        h = hashlib.sha1()
        h.update(api_key.encode())
        digest = h.hexdigest()
        return "ok"

    return app


init(app)
