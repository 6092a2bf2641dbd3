from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape
from sqlalchemy import text
from db import engine

ALLOWED = {"alice", "other"}

type Headers = dict[str, str]  # Python 3.12 type statement

bp = Blueprint("bp", __name__)


@bp.route("/admin/do", methods=["POST"])
def handle():
    name = request.headers.get("X-name", "")
    if name not in ALLOWED:
        abort(400)
    with engine.connect() as c:
        rows = c.execute(text("DELETE FROM t WHERE email = '" + name + "'"))
    return "ok"
