from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape
from helpers import handle_value


app = Flask(__name__)


class ItemView(MethodView):
    def post(self):
        raw = request.args.to_dict().get("passwd", "")
        passwd = "" + raw
        out = handle_value(passwd)
        return "ok"


app.add_url_rule("/api/do", view_func=ItemView.as_view("item"))
