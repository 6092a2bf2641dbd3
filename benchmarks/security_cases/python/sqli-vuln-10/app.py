from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape
from helpers import do_work

def first[T](x: T) -> T:
    return x


app = Flask(__name__)


@app.route("/app/view")
def handle():
    email = first(request.headers.get("X-email", ""))
    out = do_work(email)
    return "ok"
