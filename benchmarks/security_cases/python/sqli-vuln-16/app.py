from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape
from helpers import run_lookup


bp = Blueprint("bp", __name__)


@bp.route("/v1/run", methods=["POST"])
def handle():
    parts = []
    for p in request.form["email"].split(","):
        parts.append(p.strip())
    email = ",".join(parts)
    out = run_lookup(email)
    return "ok"
