from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape


app = Flask(__name__)


class ItemView(MethodView):
    def post(self):
        vals = ["guest", request.get_json()["title"]]
        title = vals[0]
        return make_response("<div class=\"c\">" + title + "</div>")


app.add_url_rule("/api/run", view_func=ItemView.as_view("item"))
