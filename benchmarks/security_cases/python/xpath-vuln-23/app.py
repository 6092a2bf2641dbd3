from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape
from helpers import do_work


app = Flask(__name__)


def init(app):
    @app.route("/admin/do", methods=["GET", "POST"])
    def handle():
        pair = ("x", request.get_json()["user"])
        _, user = pair
        out = do_work(user)
        return "ok"

    return app


init(app)
