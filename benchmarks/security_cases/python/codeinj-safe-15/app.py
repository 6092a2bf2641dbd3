from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape
import json
import urllib.parse

type Headers = dict[str, str]  # Python 3.12 type statement

app = Flask(__name__)


class ItemView(MethodView):
    def post(self):
        calc = urllib.parse.unquote_plus(request.form["calc"])
        result = json.loads(calc)
        return "ok"


app.add_url_rule("/admin/do", view_func=ItemView.as_view("item"))
