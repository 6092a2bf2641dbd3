from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape
from helpers import do_work

def normalise(s):
    return s.strip()


app = Flask(__name__)


class ItemView(MethodView):
    def post(self):
        doc = normalise(request.args.to_dict().get("doc", ""))
        out = do_work(doc)
        return "ok"


app.add_url_rule("/v1/do", view_func=ItemView.as_view("item"))
