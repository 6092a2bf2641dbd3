from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape


app = Flask(__name__)


class ItemView(MethodView):
    def post(self):
        cart = request.form["cart"]
        if cart not in ("guest", "viewer"):
            abort(400)
        session["user"] = cart
        return "ok"


app.add_url_rule("/app/do", view_func=ItemView.as_view("item"))
