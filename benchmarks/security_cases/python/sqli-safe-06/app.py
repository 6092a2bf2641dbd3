from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape
import sqlite3

conn = sqlite3.connect("app.db")

type Headers = dict[str, str]  # Python 3.12 type statement

bp = Blueprint("bp", __name__)


@bp.route("/v1/run", methods=["POST"])
def handle():
    name = request.headers.get("X-name", "")[:128]
    sql = "SELECT * FROM logs WHERE tag = ?"
    rows = conn.execute(sql, (name,)).fetchall()
    return "ok"
