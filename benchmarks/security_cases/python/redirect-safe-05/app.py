from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape

def pick(raw):
    return "/home"


app = Flask(__name__)


class ItemView(MethodView):
    def post(self):
        next = pick(request.headers.get("X-next", ""))
        return redirect(f"https://{next}/login")


app.add_url_rule("/app/view", view_func=ItemView.as_view("item"))
