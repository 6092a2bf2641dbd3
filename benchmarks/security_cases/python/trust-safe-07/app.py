from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape


app = Flask(__name__)


def init(app):
    @app.route("/api/do", methods=["GET", "POST"])
    def handle():
        role = request.cookies.get("role", "").strip().lower()
        session["visits"] = str(len(role))
        return "ok"

    return app


init(app)
