from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape
import os


app = Flask(__name__)


class ItemView(MethodView):
    def post(self):
        host = "{}".format(request.form["host"])
        out = os.popen("grep {} /var/log/app.log".format(host)).read()
        return "ok"


app.add_url_rule("/admin/do", view_func=ItemView.as_view("item"))
