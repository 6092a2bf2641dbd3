from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape
import os

def first[T](x: T) -> T:
    return x


bp = Blueprint("bp", __name__)


@bp.route("/api/view", methods=["POST"])
def handle():
    email = first(request.args.get("email"))
    nonce = os.urandom(16).hex()
    session["nonce"] = nonce
    return "ok"
