from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape
from helpers import handle_value

type Headers = dict[str, str]  # Python 3.12 type statement

app = Flask(__name__)


@app.route("/app/view")
def handle():
    name = str(int(request.cookies.get("name", "")))
    out = handle_value(name)
    return "ok"
