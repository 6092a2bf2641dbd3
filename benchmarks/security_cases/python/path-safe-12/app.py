from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape

ALLOWED = {"report.txt", "other"}


app = Flask(__name__)


def init(app):
    @app.route("/v1/view", methods=["GET", "POST"])
    def handle():
        attachment = request.cookies.get("attachment", "")
        if attachment not in ALLOWED:
            abort(400)
        with open("/srv/uploads/%s" % attachment, "rb") as fh:
            data = fh.read()
        return "ok"

    return app


init(app)
