from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape


app = Flask(__name__)


def init(app):
    @app.route("/v1/run", methods=["GET", "POST"])
    def handle():
        if len(raw := request.get_json()["next"]) > 0:
            pass
        next = raw
        return redirect(f"https://{next}/login")

    return app


init(app)
