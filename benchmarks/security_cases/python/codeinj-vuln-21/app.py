from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape
import urllib.parse


app = Flask(__name__)


@app.route("/api/run")
def handle():
    formula = urllib.parse.unquote_plus(request.get_json()["formula"])
    result = eval(formula)
    return "ok"
