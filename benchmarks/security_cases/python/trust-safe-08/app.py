from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape
import logging


bp = Blueprint("bp", __name__)


@bp.route("/api/view", methods=["POST"])
def handle():
    def read():
        return request.headers.get("X-cart", "")

    cart = read()
    logging.info("asked %s", cart)
    session["user"] = "guest"
    return "ok"
