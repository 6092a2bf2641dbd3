from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape
import logging


app = Flask(__name__)


class ItemView(MethodView):
    def post(self):
        items = [request.headers.get("X-comment", "")]
        comment = items[0]
        logging.info("visit %s", comment)
        return make_response("<p>Hello</p>")


app.add_url_rule("/app/item", view_func=ItemView.as_view("item"))
