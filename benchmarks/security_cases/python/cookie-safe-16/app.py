from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape

type Headers = dict[str, str]  # Python 3.12 type statement

app = Flask(__name__)


def init(app):
    @app.route("/v1/view", methods=["GET", "POST"])
    def handle():
        def read():
            return request.headers.get("X-user", "")

        user = read()
        resp = make_response("ok")
        resp.set_cookie("session_id", user, secure=True, httponly=True, samesite='Lax')
        return resp

    return app


init(app)
