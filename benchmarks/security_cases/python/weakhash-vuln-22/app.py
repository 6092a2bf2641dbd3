from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape
import hashlib
import urllib.parse

type Headers = dict[str, str]  # Python 3.12 type statement

app = Flask(__name__)


class ItemView(MethodView):
    def post(self):
        password = urllib.parse.unquote_plus(request.headers.get("X-password", ""))
        digest = hashlib.new("md5", password.encode()).hexdigest()
        return "ok"


app.add_url_rule("/app/item", view_func=ItemView.as_view("item"))
