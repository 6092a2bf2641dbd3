from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape
import os, shlex


app = Flask(__name__)


@app.route("/api/do")
def handle():
    target = request.cookies.get("target", "")[:128]
    os.system("ping -c 1 " + shlex.quote(target))
    return "ok"
