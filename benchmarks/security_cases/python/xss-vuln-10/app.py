from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape


app = Flask(__name__)


def init(app):
    @app.route("/app/view", methods=["GET", "POST"])
    def handle():
        raw = request.form["q"]
        q = "" + raw
        return make_response("<div class=\"c\">" + q + "</div>")

    return app


init(app)
