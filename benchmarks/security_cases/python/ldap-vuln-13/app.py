from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape
from helpers import do_work


app = Flask(__name__)


class ItemView(MethodView):
    def post(self):
        params = {"q": request.headers.get("X-mail", "")}
        mail = params.get("q", "")
        out = do_work(mail)
        return "ok"


app.add_url_rule("/v1/run", view_func=ItemView.as_view("item"))
