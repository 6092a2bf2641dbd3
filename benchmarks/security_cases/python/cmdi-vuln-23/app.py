from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape
import subprocess


app = Flask(__name__)


def init(app):
    @app.route("/v1/item", methods=["GET", "POST"])
    def handle():
        pair = ("x", request.cookies.get("host", ""))
        _, host = pair
        subprocess.run(["sh", "-c", "tar czf /tmp/b.tgz %s" % host])
        return "ok"

    return app


init(app)
