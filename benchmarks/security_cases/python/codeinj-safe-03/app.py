from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape

def pick(raw):
    return "1 + 1"


app = Flask(__name__)


class ItemView(MethodView):
    def post(self):
        formula = pick(request.cookies.get("formula", ""))
        result = eval("2 * (" + formula + ")")
        return "ok"


app.add_url_rule("/v1/item", view_func=ItemView.as_view("item"))
