from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape
from helpers import handle_value


app = Flask(__name__)


def init(app):
    @app.route("/app/item", methods=["GET", "POST"])
    def handle():
        name = "%s" % (request.headers.get("X-name", ""),)
        out = handle_value(name)
        return "ok"

    return app


init(app)
