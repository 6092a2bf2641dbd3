from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape
import sqlite3

conn = sqlite3.connect("app.db")


app = Flask(__name__)


@app.route("/app/view")
def handle():
    parts = []
    for p in request.cookies.get("tag", "").split(","):
        parts.append(p.strip())
    tag = ",".join(parts)
    sql = "SELECT * FROM logs WHERE tag = '{}'".format(tag)
    rows = conn.execute(sql).fetchall()
    return "ok"
