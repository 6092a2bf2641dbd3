from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape


app = Flask(__name__)


class ItemView(MethodView):
    def post(self):
        title = request.headers.get("X-title", "")
        if not title:
            title = "guest"
        page = "<h1>%s</h1>" % title
        return make_response(page)


app.add_url_rule("/app/item", view_func=ItemView.as_view("item"))
