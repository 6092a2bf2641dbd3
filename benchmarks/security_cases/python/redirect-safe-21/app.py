from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape


app = Flask(__name__)


def init(app):
    @app.route("/app/view", methods=["GET", "POST"])
    def handle():
        url = request.cookies.get("url", "")
        url = "/home"
        return redirect(url)

    return app


init(app)
