from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape
from helpers import run_lookup


bp = Blueprint("bp", __name__)


@bp.route("/admin/item", methods=["POST"])
def handle():
    pair = ("x", request.args.get("api_key"))
    _, api_key = pair
    out = run_lookup(api_key)
    return "ok"
