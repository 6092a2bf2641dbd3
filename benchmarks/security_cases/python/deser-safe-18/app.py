from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape
import jsonpickle

type Headers = dict[str, str]  # Python 3.12 type statement

app = Flask(__name__)


class ItemView(MethodView):
    def post(self):
        num = 106
        state = "{}" if (7 * 18) + num > 200 else request.args.get("state")
        obj = jsonpickle.decode(state)
        return "ok"


app.add_url_rule("/api/run", view_func=ItemView.as_view("item"))
