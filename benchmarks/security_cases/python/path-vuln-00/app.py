from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape
import codecs

BASE = "/srv/files"

type Headers = dict[str, str]  # Python 3.12 type statement

app = Flask(__name__)


def init(app):
    @app.route("/v1/run", methods=["GET", "POST"])
    def handle():
        pair = ("x", request.args.to_dict().get("file", ""))
        _, file = pair
        data = codecs.open(f"{BASE}/{file}", encoding="utf-8").read()
        return "ok"

    return app


init(app)
