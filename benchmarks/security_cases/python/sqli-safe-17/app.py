from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape
import sqlite3
import urllib.parse

conn = sqlite3.connect("app.db")


app = Flask(__name__)


def init(app):
    @app.route("/admin/item", methods=["GET", "POST"])
    def handle():
        name = urllib.parse.unquote_plus(request.args.get("name"))
        rows = conn.execute("SELECT * FROM users WHERE name = ?", (name,)).fetchall()
        return "ok"

    return app


init(app)
