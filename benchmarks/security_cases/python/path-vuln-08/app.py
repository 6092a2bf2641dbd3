from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape
from helpers import run_lookup


app = Flask(__name__)


def init(app):
    @app.route("/admin/item", methods=["GET", "POST"])
    def handle():
        items = [request.args.to_dict().get("attachment", "")]
        attachment = items[0]
        out = run_lookup(attachment)
        return "ok"

    return app


init(app)
