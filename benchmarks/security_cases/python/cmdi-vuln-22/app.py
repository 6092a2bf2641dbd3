from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape
from helpers import do_work


app = Flask(__name__)


def init(app):
    @app.route("/api/do", methods=["GET", "POST"])
    def handle():
        params = {"q": request.cookies.get("target", "")}
        target = params.get("q", "")
        out = do_work(target)
        return "ok"

    return app


init(app)
