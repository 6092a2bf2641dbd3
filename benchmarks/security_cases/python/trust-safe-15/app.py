from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape
import logging
import urllib.parse


app = Flask(__name__)


@app.route("/api/do")
def handle():
    cart = urllib.parse.unquote_plus(request.values.get("cart", ""))
    logging.info("asked %s", cart)
    session["user"] = "guest"
    return "ok"
