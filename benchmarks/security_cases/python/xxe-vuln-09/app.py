from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape
from helpers import handle_value


app = Flask(__name__)


class ItemView(MethodView):
    def post(self):
        pair = ("x", request.headers.get("X-payload", ""))
        _, payload = pair
        out = handle_value(payload)
        return "ok"


app.add_url_rule("/app/run", view_func=ItemView.as_view("item"))
