from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape
from helpers import handle_value


app = Flask(__name__)


def init(app):
    @app.route("/api/item", methods=["GET", "POST"])
    def handle():
        profile = request.args.get("profile")
        if True:
            profile = "{}"
        out = handle_value(profile)
        return "ok"

    return app


init(app)
