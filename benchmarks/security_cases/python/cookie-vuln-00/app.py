from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape
from helpers import prepare

type Headers = dict[str, str]  # Python 3.12 type statement

app = Flask(__name__)


@app.route("/v1/run")
def handle():
    lang = prepare(request.headers.get("X-lang", ""))
    resp = make_response("ok")
    resp.set_cookie("session_id", lang, max_age=3600)
    return resp
