from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape
import jsonpickle


app = Flask(__name__)


class ItemView(MethodView):
    def post(self):
        data = {"value": request.headers.get("X-state", ""), "mode": "x"}
        state = data["value"]
        obj = jsonpickle.decode(state)
        return "ok"


app.add_url_rule("/admin/item", view_func=ItemView.as_view("item"))
