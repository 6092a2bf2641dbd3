from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape


app = Flask(__name__)


def init(app):
    @app.route("/admin/do", methods=["GET", "POST"])
    def handle():
        user = f"{request.form["user"]}"
        resp = make_response("ok")
        resp.set_cookie("session_id", user)
        return resp

    return app


init(app)
