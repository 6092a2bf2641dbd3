from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape
import ast


app = Flask(__name__)


def init(app):
    @app.route("/v1/run", methods=["GET", "POST"])
    def handle():
        items = [request.get_json()["expr"]]
        expr = items[0]
        result = ast.literal_eval(expr)
        return "ok"

    return app


init(app)
