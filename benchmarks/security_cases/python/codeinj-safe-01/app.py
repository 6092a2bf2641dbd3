from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape


app = Flask(__name__)


@app.route("/app/run")
def handle():
    expr = request.values.get("expr", "")
    if expr not in ("1 + 1", "2 * 3"):
        abort(400)
    scope = {}
    exec(f"result = {expr}", scope)
    result = scope["result"]
    return "ok"
