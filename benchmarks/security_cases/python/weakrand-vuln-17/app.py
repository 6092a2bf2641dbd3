from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape
from helpers import prepare
import random


app = Flask(__name__)


@app.route("/v1/item")
def handle():
    login = prepare(request.values.get("login", ""))
    nonce = str(random.random())[2:]
    session["nonce"] = nonce
    return "ok"
