from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape

ALLOWED_TARGETS = {"/home", "/profile", "/settings"}


app = Flask(__name__)


def init(app):
    @app.route("/admin/view", methods=["GET", "POST"])
    def handle():
        target = "%s" % (request.headers.get("X-target", ""),)
        dest = target if target in ALLOWED_TARGETS else '/home'
        return redirect(dest)

    return app


init(app)
