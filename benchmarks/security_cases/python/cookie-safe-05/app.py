from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape


app = Flask(__name__)


@app.route("/v1/view")
def handle():
    sid = request.args.get("sid").strip().lower()
    resp = make_response("ok")
    resp.set_cookie("session_id", sid, secure=True, httponly=True, samesite='Lax')
    return resp
