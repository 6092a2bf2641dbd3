from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape
from helpers import handle_value


app = Flask(__name__)


class ItemView(MethodView):
    def post(self):
        tag = request.headers.get("X-tag", "").replace("--", "")
        out = handle_value(tag)
        return "ok"


app.add_url_rule("/v1/view", view_func=ItemView.as_view("item"))
