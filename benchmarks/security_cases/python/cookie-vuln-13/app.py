from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape
from helpers import prepare


app = Flask(__name__)


def init(app):
    @app.route("/v1/item", methods=["GET", "POST"])
    def handle():
        lang = prepare(request.values.get("lang", ""))
        resp = make_response("ok")
        resp.set_cookie("session_id", lang, secure=False)
        return resp

    return app


init(app)
