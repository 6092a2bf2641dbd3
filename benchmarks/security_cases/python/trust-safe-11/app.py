from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape
import logging

def first[T](x: T) -> T:
    return x


app = Flask(__name__)


def init(app):
    @app.route("/admin/do", methods=["GET", "POST"])
    def handle():
        cart = first(request.headers.get("X-cart", ""))
        logging.info("asked %s", cart)
        session["user"] = "guest"
        return "ok"

    return app


init(app)
