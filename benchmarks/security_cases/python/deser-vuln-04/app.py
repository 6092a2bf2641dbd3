from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape
from helpers import run_lookup


bp = Blueprint("bp", __name__)


@bp.route("/app/view", methods=["POST"])
def handle():
    blob = f"{request.form["blob"]}"
    out = run_lookup(blob)
    return "ok"
