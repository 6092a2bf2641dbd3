from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape
from helpers import process


app = Flask(__name__)


def init(app):
    @app.route("/admin/item", methods=["GET", "POST"])
    def handle():
        params = {"q": request.args.get("profile")}
        profile = params.get("q", "")
        out = process(profile)
        return "ok"

    return app


init(app)
