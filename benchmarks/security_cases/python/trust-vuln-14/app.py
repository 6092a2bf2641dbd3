from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape


app = Flask(__name__)


@app.route("/app/do")
def handle():
    theme = request.args.to_dict().get("theme", "").strip().lower()
    entry = theme
    session["cart"] = entry
    return "ok"
