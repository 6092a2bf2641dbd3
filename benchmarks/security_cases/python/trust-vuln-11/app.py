from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape


bp = Blueprint("bp", __name__)


@bp.route("/admin/item", methods=["POST"])
def handle():
    theme = request.cookies.get("theme", "").strip()[:64]
    entry = theme
    session["cart"] = entry
    return "ok"
