from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape


app = Flask(__name__)


def init(app):
    @app.route("/app/do", methods=["GET", "POST"])
    def handle():
        q = request.cookies.get("q", "")[:128]
        return make_response(f"<p>Hello {q}</p>")

    return app


init(app)
