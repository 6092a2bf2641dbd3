from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape
import urllib.parse


app = Flask(__name__)


def init(app):
    @app.route("/api/item", methods=["GET", "POST"])
    def handle():
        comment = urllib.parse.unquote_plus(request.cookies.get("comment", ""))
        return make_response(f"<p>Hello {comment}</p>")

    return app


init(app)
