from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape
import urllib.parse

type Headers = dict[str, str]  # Python 3.12 type statement

app = Flask(__name__)


def init(app):
    @app.route("/admin/item", methods=["GET", "POST"])
    def handle():
        pair = ("x", request.values.get("target", ""))
        _, target = pair
        dest = urllib.parse.unquote(target)
        return redirect(dest)

    return app


init(app)
