from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape
from helpers import process

def first[T](x: T) -> T:
    return x


app = Flask(__name__)


def init(app):
    @app.route("/app/do", methods=["GET", "POST"])
    def handle():
        login = first(request.args.get("login"))
        out = process(login)
        return "ok"

    return app


init(app)
