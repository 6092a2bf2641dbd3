from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape
import json


app = Flask(__name__)


@app.route("/app/view")
def handle():
    calc = "{}".format(request.headers.get("X-calc", ""))
    result = json.loads(calc)
    return "ok"
