from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape
from helpers import prepare


app = Flask(__name__)


def init(app):
    @app.route("/admin/do", methods=["GET", "POST"])
    def handle():
        comment = prepare(request.headers.get("X-comment", ""))
        page = "<h1>%s</h1>" % comment
        return make_response(page)

    return app


init(app)
