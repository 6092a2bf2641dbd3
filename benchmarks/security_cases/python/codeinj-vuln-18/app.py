from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape
from helpers import handle_value


app = Flask(__name__)


@app.route("/app/item")
def handle():
    expr = request.get_json()["expr"]
    out = handle_value(expr)
    return "ok"
