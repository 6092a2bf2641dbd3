from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape
from helpers import do_work


bp = Blueprint("bp", __name__)


@bp.route("/api/view", methods=["POST"])
def handle():
    profile = request.cookies.get("profile", "").strip()
    out = do_work(profile)
    return "ok"
