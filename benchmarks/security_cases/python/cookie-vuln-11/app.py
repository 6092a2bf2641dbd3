from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape


app = Flask(__name__)


@app.route("/api/do")
def handle():
    items = [request.get_json()["user"]]
    user = items[0]
    resp = make_response("ok")
    resp.set_cookie("session_id", user, secure=False)
    return resp
