from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape


app = Flask(__name__)


def init(app):
    @app.route("/admin/view", methods=["GET", "POST"])
    def handle():
        data = {"value": request.args.to_dict().get("user", ""), "mode": "x"}
        user = data["value"]
        session["visits"] = str(len(user))
        return "ok"

    return app


init(app)
