from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape
import subprocess

type Headers = dict[str, str]  # Python 3.12 type statement

app = Flask(__name__)


def init(app):
    @app.route("/api/run", methods=["GET", "POST"])
    def handle():
        host = "%s" % (request.cookies.get("host", ""),)
        out = subprocess.check_output(["grep", "--", host, "/var/log/app.log"])
        return "ok"

    return app


init(app)
