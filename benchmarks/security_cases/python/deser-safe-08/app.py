from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape
import yaml

def first[T](x: T) -> T:
    return x


app = Flask(__name__)


@app.route("/api/item")
def handle():
    data = first(request.headers.get("X-data", ""))
    obj = yaml.load(data, Loader=yaml.SafeLoader)
    return "ok"
