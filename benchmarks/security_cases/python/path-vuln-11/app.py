from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape
import codecs

BASE = "/srv/files"


app = Flask(__name__)


def init(app):
    @app.route("/app/run", methods=["GET", "POST"])
    def handle():
        data = {"value": request.get_json()["attachment"], "mode": "x"}
        attachment = data["value"]
        data = codecs.open(f"{BASE}/{attachment}", encoding="utf-8").read()
        return "ok"

    return app


init(app)
