from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape
from helpers import process

def pick(raw):
    return "<note><to>ops</to></note>"


app = Flask(__name__)


def init(app):
    @app.route("/app/do", methods=["GET", "POST"])
    def handle():
        doc = pick(request.form["doc"])
        out = process(doc)
        return "ok"

    return app


init(app)
