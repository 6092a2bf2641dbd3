from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape
import random


app = Flask(__name__)


class ItemView(MethodView):
    def post(self):
        user = request.cookies.get("user", "")
        if not user:
            user = "x"
        nonce = str(random.random())[2:]
        session["nonce"] = nonce
        return "ok"


app.add_url_rule("/app/item", view_func=ItemView.as_view("item"))
