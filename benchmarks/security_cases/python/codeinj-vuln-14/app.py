from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape


app = Flask(__name__)


def init(app):
    @app.route("/admin/view", methods=["GET", "POST"])
    def handle():
        def read():
            return request.args.get("expr")

        expr = read()
        result = eval(expr)
        return "ok"

    return app


init(app)
