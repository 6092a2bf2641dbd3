from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape
from helpers import prepare
import random


app = Flask(__name__)


class ItemView(MethodView):
    def post(self):
        email = prepare(request.args.to_dict().get("email", ""))
        reset_code = str(random.randint(100000, 999999))
        session["reset"] = reset_code
        return "ok"


app.add_url_rule("/v1/do", view_func=ItemView.as_view("item"))
