from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape


bp = Blueprint("bp", __name__)


@bp.route("/admin/item", methods=["POST"])
def handle():
    if len(raw := request.headers.get("X-role", "")) > 0:
        pass
    role = raw
    session["role"] = "role:" + role
    return "ok"
