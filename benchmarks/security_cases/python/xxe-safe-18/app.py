from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape
from helpers import process


app = Flask(__name__)


def init(app):
    @app.route("/app/item", methods=["GET", "POST"])
    def handle():
        pair = ("x", request.cookies.get("doc", ""))
        _, doc = pair
        out = process(doc)
        return "ok"

    return app


init(app)
