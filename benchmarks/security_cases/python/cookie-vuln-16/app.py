from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape


app = Flask(__name__)


class ItemView(MethodView):
    def post(self):
        params = {"q": request.args.to_dict().get("lang", "")}
        lang = params.get("q", "")
        resp = make_response("ok")
        resp.set_cookie("session_id", lang)
        return resp


app.add_url_rule("/v1/do", view_func=ItemView.as_view("item"))
