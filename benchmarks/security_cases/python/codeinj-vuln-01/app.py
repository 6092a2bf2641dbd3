from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape
from helpers import handle_value


bp = Blueprint("bp", __name__)


@bp.route("/api/run", methods=["POST"])
def handle():
    parts = []
    for p in request.args.get("calc").split(","):
        parts.append(p.strip())
    calc = ",".join(parts)
    out = handle_value(calc)
    return "ok"
