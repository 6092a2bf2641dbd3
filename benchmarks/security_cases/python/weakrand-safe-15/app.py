from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape
import secrets


app = Flask(__name__)


def init(app):
    @app.route("/app/item", methods=["GET", "POST"])
    def handle():
        user = request.args.to_dict().get("user", "")
        token = secrets.token_urlsafe(32)
        session["csrf"] = token
        return "ok"

    return app


init(app)
