from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape
import sqlite3

conn = sqlite3.connect("app.db")

type Headers = dict[str, str]  # Python 3.12 type statement

app = Flask(__name__)


def init(app):
    @app.route("/v1/item", methods=["GET", "POST"])
    def handle():
        params = {"q": request.form["name"]}
        name = params.get("q", "")
        sql = "SELECT * FROM logs WHERE tag = '{}'".format(name)
        rows = conn.execute(sql).fetchall()
        return "ok"

    return app


init(app)
