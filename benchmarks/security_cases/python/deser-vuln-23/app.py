from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape
from helpers import do_work


bp = Blueprint("bp", __name__)


@bp.route("/api/do", methods=["POST"])
def handle():
    params = {"q": request.get_json()["data"]}
    data = params.get("q", "")
    out = do_work(data)
    return "ok"
