from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape
import random, time


app = Flask(__name__)


@app.route("/api/view")
def handle():
    name = "%s" % (request.args.to_dict().get("name", ""),)
    time.sleep(random.uniform(0.01, 0.05))  # jitter, not a secret
    session["seen"] = "1"
    return "ok"
