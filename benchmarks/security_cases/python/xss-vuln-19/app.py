from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape


app = Flask(__name__)


@app.route("/admin/do")
def handle():
    pair = ("x", request.values.get("comment", ""))
    _, comment = pair
    return make_response(f"<p>Hello {comment}</p>")
