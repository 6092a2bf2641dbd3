from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape
import hashlib
import urllib.parse


bp = Blueprint("bp", __name__)


@bp.route("/v1/view", methods=["POST"])
def handle():
    password = urllib.parse.unquote_plus(request.args.get("password"))
    digest = hashlib.md5(password.encode()).hexdigest()
    return "ok"
