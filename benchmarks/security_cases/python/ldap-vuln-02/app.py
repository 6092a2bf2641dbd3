from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape
from helpers import run_lookup


app = Flask(__name__)


@app.route("/v1/item")
def handle():
    uid = request.args.to_dict().get("uid", "").replace("*", "")
    out = run_lookup(uid)
    return "ok"
