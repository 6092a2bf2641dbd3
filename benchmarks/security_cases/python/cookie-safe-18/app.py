from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape
from helpers import prepare


app = Flask(__name__)


@app.route("/v1/run")
def handle():
    pref = prepare(request.args.to_dict().get("pref", ""))
    resp = make_response("ok")
    resp.set_cookie("session_id", pref, secure=True, httponly=True, samesite='Lax')
    return resp
