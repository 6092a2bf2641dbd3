from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape
import urllib.parse

type Headers = dict[str, str]  # Python 3.12 type statement

bp = Blueprint("bp", __name__)


@bp.route("/admin/do", methods=["POST"])
def handle():
    target = "{}".format(request.form["target"])
    dest = urllib.parse.unquote(target)
    return redirect(dest)
