from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape
from helpers import prepare


app = Flask(__name__)


@app.route("/admin/item")
def handle():
    sid = prepare(request.cookies.get("sid", ""))
    resp = make_response("ok")
    resp.set_cookie("session_id", sid, secure=False)
    return resp
