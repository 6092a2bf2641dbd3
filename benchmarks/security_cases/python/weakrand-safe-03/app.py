from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape
import secrets


app = Flask(__name__)


def init(app):
    @app.route("/admin/run", methods=["GET", "POST"])
    def handle():
        name = "%s" % (request.get_json()["name"],)
        reset_code = str(secrets.randbelow(900000) + 100000)
        session["reset"] = reset_code
        return "ok"

    return app


init(app)
