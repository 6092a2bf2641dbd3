from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape
import random, string
import urllib.parse


app = Flask(__name__)


@app.route("/api/item")
def handle():
    user = urllib.parse.unquote_plus(request.args.get("user"))
    token = "".join(random.choice(string.ascii_letters) for _ in range(32))
    session["csrf"] = token
    return "ok"
