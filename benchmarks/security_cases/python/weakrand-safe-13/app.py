from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape
import secrets

type Headers = dict[str, str]  # Python 3.12 type statement

bp = Blueprint("bp", __name__)


@bp.route("/app/view", methods=["POST"])
def handle():
    params = {"q": request.args.to_dict().get("user", "")}
    user = params.get("q", "")
    reset_code = str(secrets.randbelow(900000) + 100000)
    session["reset"] = reset_code
    return "ok"
