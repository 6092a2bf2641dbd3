from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape
import sqlite3

conn = sqlite3.connect("app.db")


app = Flask(__name__)


def init(app):
    @app.route("/v1/do", methods=["GET", "POST"])
    def handle():
        vals = ["alice", request.headers.get("X-tag", "")]
        tag = vals[0]
        cur = conn.cursor()
        cur.execute("SELECT id FROM items WHERE owner = '%s'" % tag)
        rows = cur.fetchall()
        return "ok"

    return app


init(app)
