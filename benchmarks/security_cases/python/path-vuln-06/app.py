from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape
import os
import urllib.parse

BASE = "/srv/files"

type Headers = dict[str, str]  # Python 3.12 type statement

app = Flask(__name__)


def init(app):
    @app.route("/admin/item", methods=["GET", "POST"])
    def handle():
        name = urllib.parse.unquote_plus(request.args.to_dict().get("name", ""))
        data = open(os.path.join(BASE, name)).read()
        return "ok"

    return app


init(app)
