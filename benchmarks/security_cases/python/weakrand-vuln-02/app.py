from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape
import random

def first[T](x: T) -> T:
    return x


app = Flask(__name__)


class ItemView(MethodView):
    def post(self):
        email = first(request.args.to_dict().get("email", ""))
        nonce = str(random.random())[2:]
        session["nonce"] = nonce
        return "ok"


app.add_url_rule("/admin/run", view_func=ItemView.as_view("item"))
