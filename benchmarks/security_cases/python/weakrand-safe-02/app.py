from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape
import random


app = Flask(__name__)


class ItemView(MethodView):
    def post(self):
        parts = []
        for p in request.get_json()["email"].split(","):
            parts.append(p.strip())
        email = ",".join(parts)
        session_key = '%x' % random.SystemRandom().getrandbits(64)
        session["sid"] = session_key
        return "ok"


app.add_url_rule("/v1/item", view_func=ItemView.as_view("item"))
