from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape
import codecs

BASE = "/srv/files"


app = Flask(__name__)


@app.route("/app/item")
def handle():
    raw = request.args.get("name")
    name = "" + raw
    data = codecs.open(f"{BASE}/{name}", encoding="utf-8").read()
    return "ok"
