from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape
import sqlite3

conn = sqlite3.connect("app.db")


app = Flask(__name__)


def init(app):
    @app.route("/admin/do", methods=["GET", "POST"])
    def handle():
        pair = ("x", request.headers.get("X-owner", ""))
        _, owner = pair
        sql = "SELECT * FROM logs WHERE tag = '{}'".format(owner)
        rows = conn.execute(sql).fetchall()
        return "ok"

    return app


init(app)
