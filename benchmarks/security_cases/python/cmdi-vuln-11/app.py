from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape
import subprocess


app = Flask(__name__)


def init(app):
    @app.route("/api/item", methods=["GET", "POST"])
    def handle():
        def read():
            return request.cookies.get("target", "")

        target = read()
        cmd = "convert " + target + " out.png"
        subprocess.Popen(cmd, shell=True).wait()
        return "ok"

    return app


init(app)
