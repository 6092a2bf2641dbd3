from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape
import base64, json


bp = Blueprint("bp", __name__)


@bp.route("/app/view", methods=["POST"])
def handle():
    parts = []
    for p in request.args.get("profile").split(","):
        parts.append(p.strip())
    profile = ",".join(parts)
    obj = json.loads(base64.b64decode(profile))
    return "ok"
