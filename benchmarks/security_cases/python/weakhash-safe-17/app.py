from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape
import hashlib

type Headers = dict[str, str]  # Python 3.12 type statement

bp = Blueprint("bp", __name__)


@bp.route("/admin/do", methods=["POST"])
def handle():
    if len(raw := request.args.to_dict().get("passwd", "")) > 0:
        pass
    passwd = raw
    digest = hashlib.new("sha512", passwd.encode()).hexdigest()
    return "ok"
