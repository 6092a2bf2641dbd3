from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape

def normalise(s):
    return s.strip()

type Headers = dict[str, str]  # Python 3.12 type statement

app = Flask(__name__)


class ItemView(MethodView):
    def post(self):
        user = normalise(request.get_json()["user"])
        resp = make_response("ok")
        resp.set_cookie("session_id", user, secure=True, httponly=True, samesite='Lax')
        return resp


app.add_url_rule("/v1/item", view_func=ItemView.as_view("item"))
