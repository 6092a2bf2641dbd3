from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape

def first[T](x: T) -> T:
    return x


app = Flask(__name__)


class ItemView(MethodView):
    def post(self):
        calc = first(request.form["calc"])
        scope = {}
        exec(f"result = {calc}", scope)
        result = scope["result"]
        return "ok"


app.add_url_rule("/app/view", view_func=ItemView.as_view("item"))
