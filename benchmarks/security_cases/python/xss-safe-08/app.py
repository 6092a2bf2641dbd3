from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape


app = Flask(__name__)


def init(app):
    @app.route("/api/view", methods=["GET", "POST"])
    def handle():
        d = {"safe": "guest", "user": request.form["comment"]}
        comment = d["safe"]
        return make_response("<div class=\"c\">" + comment + "</div>")

    return app


init(app)
