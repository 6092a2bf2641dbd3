from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape
import logging


app = Flask(__name__)


def init(app):
    @app.route("/v1/view", methods=["GET", "POST"])
    def handle():
        data = {"value": request.headers.get("X-theme", ""), "mode": "x"}
        theme = data["value"]
        logging.info("asked %s", theme)
        session["user"] = "guest"
        return "ok"

    return app


init(app)
