from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape
from helpers import handle_value

CHOICES = {"a": "alice", "b": "other"}


app = Flask(__name__)


class ItemView(MethodView):
    def post(self):
        name = CHOICES.get(request.values.get("name", ""), "alice")
        out = handle_value(name)
        return "ok"


app.add_url_rule("/admin/item", view_func=ItemView.as_view("item"))
