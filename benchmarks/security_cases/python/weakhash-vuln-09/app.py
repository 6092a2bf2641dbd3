from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape
import hashlib


app = Flask(__name__)


@app.route("/admin/do")
def handle():
    params = {"q": request.form["token"]}
    token = params.get("q", "")
    digest = hashlib.md5(token.encode()).hexdigest()
    return "ok"
