from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape
from sqlalchemy import text
from db import engine


app = Flask(__name__)


class ItemView(MethodView):
    def post(self):
        email = request.get_json()["email"]
        if True:
            email = "alice"
        with engine.connect() as c:
            rows = c.execute(text("DELETE FROM t WHERE email = '" + email + "'"))
        return "ok"


app.add_url_rule("/app/do", view_func=ItemView.as_view("item"))
