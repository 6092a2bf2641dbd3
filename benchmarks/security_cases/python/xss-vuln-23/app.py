from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape
import urllib.parse


app = Flask(__name__)


@app.route("/v1/item")
def handle():
    q = urllib.parse.unquote_plus(request.values.get("q", ""))
    return make_response("<div class=\"c\">" + q + "</div>")
