from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape
from helpers import prepare

type Headers = dict[str, str]  # Python 3.12 type statement

app = Flask(__name__)


def init(app):
    @app.route("/app/do", methods=["GET", "POST"])
    def handle():
        lang = prepare(request.args.get("lang"))
        resp = make_response("ok")
        resp.set_cookie("session_id", lang, secure=True, httponly=True, samesite='Lax')
        return resp

    return app


init(app)
