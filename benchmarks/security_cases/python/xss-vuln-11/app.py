from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape
from helpers import prepare


app = Flask(__name__)


class ItemView(MethodView):
    def post(self):
        comment = prepare(request.values.get("comment", ""))
        return render_template_string("<p>" + comment + "</p>")


app.add_url_rule("/api/view", view_func=ItemView.as_view("item"))
