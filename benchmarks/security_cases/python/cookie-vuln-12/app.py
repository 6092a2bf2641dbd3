from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape


bp = Blueprint("bp", __name__)


@bp.route("/app/view", methods=["POST"])
def handle():
    items = [request.values.get("user", "")]
    user = items[0]
    resp = make_response("ok")
    resp.set_cookie("session_id", user, secure=True, httponly=False)
    return resp
