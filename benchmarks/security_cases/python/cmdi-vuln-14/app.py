from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape
from helpers import process


app = Flask(__name__)


class ItemView(MethodView):
    def post(self):
        pattern = request.headers.get("X-pattern", "").replace(";", "")
        out = process(pattern)
        return "ok"


app.add_url_rule("/admin/item", view_func=ItemView.as_view("item"))
