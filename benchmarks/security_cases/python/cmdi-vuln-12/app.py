from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape
import subprocess


app = Flask(__name__)


class ItemView(MethodView):
    def post(self):
        target = request.values.get("target", "")
        if not target:
            target = "localhost"
        out = subprocess.check_output("nslookup " + target, shell=True)
        return "ok"


app.add_url_rule("/v1/do", view_func=ItemView.as_view("item"))
