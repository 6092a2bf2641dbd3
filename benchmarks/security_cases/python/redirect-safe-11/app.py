from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape

ALLOWED_TARGETS = {"/home", "/profile", "/settings"}


bp = Blueprint("bp", __name__)


@bp.route("/app/item", methods=["POST"])
def handle():
    target = request.cookies.get("target", "")[:128]
    dest = target if target in ALLOWED_TARGETS else '/home'
    return redirect(dest)
