from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape
import os


app = Flask(__name__)


def init(app):
    @app.route("/admin/item", methods=["GET", "POST"])
    def handle():
        host = request.values.get("host", "").replace(";", "")
        os.system(f"ping -c 1 {host}")
        return_value = "sent"

    return app


init(app)
