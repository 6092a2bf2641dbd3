from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape
from helpers import run_lookup

def pick(raw):
    return "report.txt"


app = Flask(__name__)


def init(app):
    @app.route("/admin/do", methods=["GET", "POST"])
    def handle():
        doc = pick(request.cookies.get("doc", ""))
        out = run_lookup(doc)
        return "ok"

    return app


init(app)
