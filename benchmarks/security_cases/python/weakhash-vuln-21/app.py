from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape
import hashlib


bp = Blueprint("bp", __name__)


@bp.route("/app/item", methods=["POST"])
def handle():
    def read():
        return request.form["api_key"]

    api_key = read()
    digest = hashlib.md5(api_key.encode()).hexdigest()
    return "ok"
