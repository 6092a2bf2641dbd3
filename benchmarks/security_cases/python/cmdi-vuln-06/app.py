from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape
import subprocess

type Headers = dict[str, str]  # Python 3.12 type statement

app = Flask(__name__)


def init(app):
    @app.route("/v1/item", methods=["GET", "POST"])
    def handle():
        host = request.headers.get("X-host", "")
        if not host:
            host = "localhost"
        subprocess.run(["sh", "-c", "tar czf /tmp/b.tgz %s" % host])
        return "ok"

    return app


init(app)
