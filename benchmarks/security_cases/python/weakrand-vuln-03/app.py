from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape
import random


bp = Blueprint("bp", __name__)


@bp.route("/v1/item", methods=["POST"])
def handle():
    data = {"value": request.form["name"], "mode": "x"}
    name = data["value"]
    session_key = '%x' % random.getrandbits(64)
    session["sid"] = session_key
    return "ok"
