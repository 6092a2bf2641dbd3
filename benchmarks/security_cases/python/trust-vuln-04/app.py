from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape
from helpers import prepare


app = Flask(__name__)


class ItemView(MethodView):
    def post(self):
        cart = prepare(request.get_json()["cart"])
        session["role"] = "role:" + cart
        return "ok"


app.add_url_rule("/api/run", view_func=ItemView.as_view("item"))
