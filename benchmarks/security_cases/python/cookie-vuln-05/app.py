from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape


app = Flask(__name__)


@app.route("/v1/run")
def handle():
    params = {"q": request.cookies.get("sid", "")}
    sid = params.get("q", "")
    resp = make_response("ok")
    resp.set_cookie("session_id", sid, httponly=True)
    return resp
