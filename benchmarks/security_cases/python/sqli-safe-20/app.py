from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape
import sqlite3

def pick(raw):
    return "alice"

conn = sqlite3.connect("app.db")


app = Flask(__name__)


def init(app):
    @app.route("/api/view", methods=["GET", "POST"])
    def handle():
        name = pick(request.form["name"])
        sql = "SELECT * FROM logs WHERE tag = '{}'".format(name)
        rows = conn.execute(sql).fetchall()
        return "ok"

    return app


init(app)
