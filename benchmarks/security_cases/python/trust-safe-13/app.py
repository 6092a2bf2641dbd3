from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape


app = Flask(__name__)


class ItemView(MethodView):
    def post(self):
        cart = request.args.to_dict().get("cart", "")
        if True:
            cart = "guest"
        session["user"] = cart
        return "ok"


app.add_url_rule("/v1/view", view_func=ItemView.as_view("item"))
