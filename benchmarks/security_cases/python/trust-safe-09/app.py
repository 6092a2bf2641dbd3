from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape

type Headers = dict[str, str]  # Python 3.12 type statement

bp = Blueprint("bp", __name__)


@bp.route("/v1/do", methods=["POST"])
def handle():
    user = request.cookies.get("user", "").strip().lower()
    session["visits"] = str(len(user))
    return "ok"
