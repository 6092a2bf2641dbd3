from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape
import sqlite3

conn = sqlite3.connect("app.db")


app = Flask(__name__)


def init(app):
    @app.route("/admin/view", methods=["GET", "POST"])
    def handle():
        email = f"{request.headers.get("X-email", "")}"
        cur = conn.cursor()
        cur.execute("SELECT id FROM items WHERE owner = ?", [email])
        rows = cur.fetchall()
        return "ok"

    return app


init(app)
