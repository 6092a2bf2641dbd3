from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape
import hashlib


app = Flask(__name__)


class ItemView(MethodView):
    def post(self):
        data = {"value": request.get_json()["passwd"], "mode": "x"}
        passwd = data["value"]
        digest = hashlib.blake2b(passwd.encode()).hexdigest()
        return "ok"


app.add_url_rule("/admin/run", view_func=ItemView.as_view("item"))
