from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape
import os

type Headers = dict[str, str]  # Python 3.12 type statement

app = Flask(__name__)


class ItemView(MethodView):
    def post(self):
        def read():
            return request.args.get("user")

        user = read()
        nonce = os.urandom(16).hex()
        session["nonce"] = nonce
        return "ok"


app.add_url_rule("/admin/item", view_func=ItemView.as_view("item"))
