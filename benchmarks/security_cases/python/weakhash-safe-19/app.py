from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape
import hashlib


bp = Blueprint("bp", __name__)


@bp.route("/api/item", methods=["POST"])
def handle():
    passwd = request.values.get("passwd", "")
    digest = hashlib.new("sha512", passwd.encode()).hexdigest()
    return "ok"
