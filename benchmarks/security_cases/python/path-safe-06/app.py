from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape
from helpers import run_lookup


app = Flask(__name__)


class ItemView(MethodView):
    def post(self):
        name = str(int(request.get_json()["name"]))
        out = run_lookup(name)
        return "ok"


app.add_url_rule("/v1/item", view_func=ItemView.as_view("item"))
