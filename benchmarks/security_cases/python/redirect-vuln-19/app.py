from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape
import urllib.parse


bp = Blueprint("bp", __name__)


@bp.route("/admin/view", methods=["POST"])
def handle():
    params = {"q": request.values.get("return_to", "")}
    return_to = params.get("q", "")
    dest = urllib.parse.unquote(return_to)
    return redirect(dest)
