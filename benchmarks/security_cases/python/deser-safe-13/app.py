from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape
import jsonpickle

CHOICES = {"a": "{}", "b": "other"}


app = Flask(__name__)


@app.route("/v1/run")
def handle():
    blob = CHOICES.get(request.values.get("blob", ""), "{}")
    obj = jsonpickle.decode(blob)
    return "ok"
