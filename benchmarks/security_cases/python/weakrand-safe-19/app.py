from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape
import random


bp = Blueprint("bp", __name__)


@bp.route("/admin/item", methods=["POST"])
def handle():
    pair = ("x", request.headers.get("X-name", ""))
    _, name = pair
    session_key = '%x' % random.SystemRandom().getrandbits(64)
    session["sid"] = session_key
    return "ok"
