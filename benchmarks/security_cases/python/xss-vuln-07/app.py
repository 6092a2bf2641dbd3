from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape


app = Flask(__name__)


class ItemView(MethodView):
    def post(self):
        if len(raw := request.form["comment"]) > 0:
            pass
        comment = raw
        return render_template_string("<p>" + comment + "</p>")


app.add_url_rule("/v1/run", view_func=ItemView.as_view("item"))
