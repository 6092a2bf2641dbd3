from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape
import logging

def normalise(s):
    return s.strip()


app = Flask(__name__)


def init(app):
    @app.route("/v1/run", methods=["GET", "POST"])
    def handle():
        title = normalise(request.args.get("title"))
        logging.info("visit %s", title)
        return make_response("<p>Hello</p>")

    return app


init(app)
