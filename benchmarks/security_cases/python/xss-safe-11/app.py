from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape
import logging

def first[T](x: T) -> T:
    return x


app = Flask(__name__)


@app.route("/api/run")
def handle():
    name = first(request.cookies.get("name", ""))
    logging.info("visit %s", name)
    return make_response("<p>Hello</p>")
