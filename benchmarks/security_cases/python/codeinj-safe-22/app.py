from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape


app = Flask(__name__)


class ItemView(MethodView):
    def post(self):
        code = str(int(request.headers.get("X-code", "")))
        result = eval("2 * (" + code + ")")
        return "ok"


app.add_url_rule("/v1/view", view_func=ItemView.as_view("item"))
