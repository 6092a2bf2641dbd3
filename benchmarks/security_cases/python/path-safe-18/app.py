from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape
import pathlib

BASE = "/srv/files"


app = Flask(__name__)


class ItemView(MethodView):
    def post(self):
        vals = ["report.txt", request.values.get("attachment", "")]
        attachment = vals[0]
        data = pathlib.Path(BASE, attachment).read_text()
        return "ok"


app.add_url_rule("/admin/item", view_func=ItemView.as_view("item"))
