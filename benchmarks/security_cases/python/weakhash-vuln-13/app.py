from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape
import hashlib


app = Flask(__name__)


class ItemView(MethodView):
    def post(self):
        raw = request.args.get("password")
        password = "" + raw
        digest = hashlib.md5(password.encode()).hexdigest()
        return "ok"


app.add_url_rule("/v1/view", view_func=ItemView.as_view("item"))
