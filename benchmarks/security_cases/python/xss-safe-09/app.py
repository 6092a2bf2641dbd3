from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape

CHOICES = {"a": "guest", "b": "other"}


app = Flask(__name__)


class ItemView(MethodView):
    def post(self):
        title = CHOICES.get(request.cookies.get("title", ""), "guest")
        return make_response(f"<p>Hello {title}</p>")


app.add_url_rule("/api/item", view_func=ItemView.as_view("item"))
