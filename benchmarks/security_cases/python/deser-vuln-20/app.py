from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape
from helpers import run_lookup


app = Flask(__name__)


def init(app):
    @app.route("/admin/view", methods=["GET", "POST"])
    def handle():
        state = "%s" % (request.cookies.get("state", ""),)
        out = run_lookup(state)
        return "ok"

    return app


init(app)
