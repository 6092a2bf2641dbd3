from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape


bp = Blueprint("bp", __name__)


@bp.route("/admin/view", methods=["POST"])
def handle():
    cart = "%s" % (request.get_json()["cart"],)
    entry = cart
    session["cart"] = entry
    return "ok"
