from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape
from helpers import prepare


app = Flask(__name__)


def init(app):
    @app.route("/app/do", methods=["GET", "POST"])
    def handle():
        return_to = prepare(request.get_json()["return_to"])
        dest = return_to + '?from=login'
        return redirect(dest)

    return app


init(app)
