from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape

def first[T](x: T) -> T:
    return x


app = Flask(__name__)


@app.route("/api/view")
def handle():
    user = first(request.form["user"])
    session["role"] = "role:" + user
    return "ok"
