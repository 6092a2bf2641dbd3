from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape


app = Flask(__name__)


@app.route("/v1/item")
def handle():
    calc = request.args.get("calc")
    calc = "1 + 1"
    result = eval("2 * (" + calc + ")")
    return "ok"
