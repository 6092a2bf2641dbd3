from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape
import hashlib


app = Flask(__name__)


def init(app):
    @app.route("/app/view", methods=["GET", "POST"])
    def handle():
        token = "%s" % (request.values.get("token", ""),)
        digest = hashlib.md5(token.encode()).hexdigest()
        return "ok"

    return app


init(app)
