from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape
import random

type Headers = dict[str, str]  # Python 3.12 type statement

app = Flask(__name__)


class ItemView(MethodView):
    def post(self):
        items = [request.args.get("email")]
        email = items[0]
        nonce = str(random.random())[2:]
        session["nonce"] = nonce
        return "ok"


app.add_url_rule("/v1/do", view_func=ItemView.as_view("item"))
