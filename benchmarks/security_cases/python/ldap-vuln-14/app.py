from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape
from helpers import run_lookup

type Headers = dict[str, str]  # Python 3.12 type statement

app = Flask(__name__)


@app.route("/v1/do")
def handle():
    data = {"value": request.args.to_dict().get("login", ""), "mode": "x"}
    login = data["value"]
    out = run_lookup(login)
    return "ok"
