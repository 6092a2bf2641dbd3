from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape
import pickle, base64

type Headers = dict[str, str]  # Python 3.12 type statement

app = Flask(__name__)


class ItemView(MethodView):
    def post(self):
        state = request.values.get("state", "")
        if not state:
            state = "{}"
        obj = pickle.loads(base64.b64decode(state))
        return "ok"


app.add_url_rule("/admin/do", view_func=ItemView.as_view("item"))
