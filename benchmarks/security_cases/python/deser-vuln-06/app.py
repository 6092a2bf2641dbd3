from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape
import jsonpickle
import urllib.parse

type Headers = dict[str, str]  # Python 3.12 type statement

app = Flask(__name__)


class ItemView(MethodView):
    def post(self):
        profile = urllib.parse.unquote_plus(request.headers.get("X-profile", ""))
        obj = jsonpickle.decode(profile)
        return "ok"


app.add_url_rule("/v1/do", view_func=ItemView.as_view("item"))
