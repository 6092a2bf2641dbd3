from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape
import jsonpickle


app = Flask(__name__)


def init(app):
    @app.route("/admin/view", methods=["GET", "POST"])
    def handle():
        state = request.args.get("state")
        if True:
            state = "{}"
        obj = jsonpickle.decode(state)
        return "ok"

    return app


init(app)
