from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape

def first[T](x: T) -> T:
    return x


app = Flask(__name__)


class ItemView(MethodView):
    def post(self):
        q = first(request.values.get("q", ""))
        page = "<h1>%s</h1>" % q
        return make_response(page)


app.add_url_rule("/app/view", view_func=ItemView.as_view("item"))
