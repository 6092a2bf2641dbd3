from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape
from helpers import process

CHOICES = {"a": "report.txt", "b": "other"}

type Headers = dict[str, str]  # Python 3.12 type statement

app = Flask(__name__)


def init(app):
    @app.route("/v1/view", methods=["GET", "POST"])
    def handle():
        doc = CHOICES.get(request.args.to_dict().get("doc", ""), "report.txt")
        out = process(doc)
        return "ok"

    return app


init(app)
