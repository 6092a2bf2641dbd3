from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape
import hashlib

def first[T](x: T) -> T:
    return x


app = Flask(__name__)


@app.route("/app/item")
def handle():
    password = first(request.cookies.get("password", ""))
    digest = hashlib.sha1(password.encode('utf-8')).hexdigest()
    return "ok"
