from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape
from helpers import prepare


bp = Blueprint("bp", __name__)


@bp.route("/v1/item", methods=["POST"])
def handle():
    url = prepare(request.args.to_dict().get("url", ""))
    dest = url + '?from=login'
    return redirect(dest)
