from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape


app = Flask(__name__)


def init(app):
    @app.route("/app/item", methods=["GET", "POST"])
    def handle():
        if len(raw := request.values.get("sid", "")) > 0:
            pass
        sid = raw
        resp = make_response("ok")
        resp.set_cookie("session_id", sid, secure=True, httponly=True, samesite='Lax')
        return resp

    return app


init(app)
