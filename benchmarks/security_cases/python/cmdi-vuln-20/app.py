from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape
import subprocess


bp = Blueprint("bp", __name__)


@bp.route("/app/item", methods=["POST"])
def handle():
    pair = ("x", request.args.to_dict().get("pattern", ""))
    _, pattern = pair
    out = subprocess.check_output("nslookup " + pattern, shell=True)
    return "ok"
