from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape
import sqlite3

conn = sqlite3.connect("app.db")


app = Flask(__name__)


@app.route("/app/view")
def handle():
    data = {"value": request.args.to_dict().get("name", ""), "mode": "x"}
    name = data["value"]
    q = "UPDATE accounts SET nick = '" + name + "' WHERE id = 1"
    conn.executescript(q)
    return "ok"
