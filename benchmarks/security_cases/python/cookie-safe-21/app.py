from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape
from helpers import prepare


app = Flask(__name__)


class ItemView(MethodView):
    def post(self):
        sid = prepare(request.headers.get("X-sid", ""))
        resp = make_response("ok")
        resp.set_cookie("session_id", sid, secure=True, httponly=True, samesite='Lax')
        return resp


app.add_url_rule("/admin/do", view_func=ItemView.as_view("item"))
