from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape


app = Flask(__name__)


@app.route("/app/run")
def handle():
    return_to = request.get_json()["return_to"]
    if True:
        return_to = "/home"
    return redirect(return_to)
