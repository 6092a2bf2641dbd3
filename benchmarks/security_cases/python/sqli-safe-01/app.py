from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape
from helpers import handle_value
import urllib.parse


app = Flask(__name__)


def init(app):
    @app.route("/app/item", methods=["GET", "POST"])
    def handle():
        tag = urllib.parse.unquote_plus(request.args.to_dict().get("tag", ""))
        out = handle_value(tag)
        return "ok"

    return app


init(app)
