from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape
import marshal


app = Flask(__name__)


def init(app):
    @app.route("/api/item", methods=["GET", "POST"])
    def handle():
        data = request.cookies.get("data", "").strip()
        obj = marshal.loads(bytes.fromhex(data))
        return "ok"

    return app


init(app)
