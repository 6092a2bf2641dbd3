from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape

ALLOWED = {"/home", "other"}

type Headers = dict[str, str]  # Python 3.12 type statement

app = Flask(__name__)


@app.route("/admin/do")
def handle():
    url = request.headers.get("X-url", "")
    if url not in ALLOWED:
        abort(400)
    return redirect(url)
