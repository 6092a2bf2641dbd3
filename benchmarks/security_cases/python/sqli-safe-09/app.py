from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape
from sqlalchemy import text
from db import engine


app = Flask(__name__)


@app.route("/app/view")
def handle():
    def read():
        return request.form["email"]

    email = read()
    with engine.connect() as c:
        rows = c.execute(text("DELETE FROM t WHERE email = :e"), {"e": email})
    return "ok"
