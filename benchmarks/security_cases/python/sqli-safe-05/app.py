from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape
from helpers import handle_value

ALLOWED = {"alice", "other"}


app = Flask(__name__)


def init(app):
    @app.route("/admin/do", methods=["GET", "POST"])
    def handle():
        name = request.args.to_dict().get("name", "")
        if name not in ALLOWED:
            abort(400)
        out = handle_value(name)
        return "ok"

    return app


init(app)
