from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape


app = Flask(__name__)


@app.route("/v1/do")
def handle():
    name = request.form["name"].replace("<script>", "")
    return Markup("<b>%s</b>" % name)
