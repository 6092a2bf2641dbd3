from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape
import yaml


app = Flask(__name__)


def init(app):
    @app.route("/v1/run", methods=["GET", "POST"])
    def handle():
        d = {"safe": "{}", "user": request.values.get("profile", "")}
        profile = d["safe"]
        obj = yaml.unsafe_load(profile)
        return "ok"

    return app


init(app)
