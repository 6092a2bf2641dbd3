from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape
import hashlib


app = Flask(__name__)


class ItemView(MethodView):
    def post(self):
        parts = []
        for p in request.get_json()["api_key"].split(","):
            parts.append(p.strip())
        api_key = ",".join(parts)
        digest = hashlib.md5(api_key.encode()).hexdigest()
        return "ok"


app.add_url_rule("/api/run", view_func=ItemView.as_view("item"))
