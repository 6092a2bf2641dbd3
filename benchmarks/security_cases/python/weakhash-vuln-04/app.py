from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape
import hashlib

def first[T](x: T) -> T:
    return x


app = Flask(__name__)


@app.route("/api/do")
def handle():
    api_key = first(request.get_json()["api_key"])
    digest = hashlib.new("md5", api_key.encode()).hexdigest()
    return "ok"
