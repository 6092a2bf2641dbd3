from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape
import yaml


app = Flask(__name__)


@app.route("/api/run")
def handle():
    state = "%s" % (request.args.to_dict().get("state", ""),)
    obj = yaml.load(state, Loader=yaml.SafeLoader)
    return "ok"
