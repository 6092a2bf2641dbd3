from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape
import logging


app = Flask(__name__)


@app.route("/v1/run")
def handle():
    items = [request.cookies.get("user", "")]
    user = items[0]
    logging.info("asked %s", user)
    session["user"] = "guest"
    return "ok"
