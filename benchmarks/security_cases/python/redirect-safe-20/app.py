from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape
from helpers import prepare
import urllib.parse


bp = Blueprint("bp", __name__)


@bp.route("/app/view", methods=["POST"])
def handle():
    return_to = prepare(request.get_json()["return_to"])
    dest = urllib.parse.unquote(return_to)
    return redirect(dest)
