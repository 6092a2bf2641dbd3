from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape
from helpers import do_work


app = Flask(__name__)


class ItemView(MethodView):
    def post(self):
        pair = ("x", request.args.get("expr"))
        _, expr = pair
        out = do_work(expr)
        return "ok"


app.add_url_rule("/v1/view", view_func=ItemView.as_view("item"))
