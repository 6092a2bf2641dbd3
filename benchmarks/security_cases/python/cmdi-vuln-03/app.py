from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape
from helpers import do_work


bp = Blueprint("bp", __name__)


@bp.route("/v1/run", methods=["POST"])
def handle():
    filename = request.values.get("filename", "").replace(";", "")
    out = do_work(filename)
    return "ok"
