from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape
import secrets

type Headers = dict[str, str]  # Python 3.12 type statement

bp = Blueprint("bp", __name__)


@bp.route("/v1/do", methods=["POST"])
def handle():
    login = f"{request.headers.get("X-login", "")}"
    token = secrets.token_urlsafe(32)
    session["csrf"] = token
    return "ok"
