from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape
from helpers import do_work

CHOICES = {"a": "{}", "b": "other"}


bp = Blueprint("bp", __name__)


@bp.route("/admin/run", methods=["POST"])
def handle():
    state = CHOICES.get(request.cookies.get("state", ""), "{}")
    out = do_work(state)
    return "ok"
