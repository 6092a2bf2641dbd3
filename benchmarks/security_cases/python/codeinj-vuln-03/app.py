from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape


bp = Blueprint("bp", __name__)


@bp.route("/v1/do", methods=["POST"])
def handle():
    items = [request.args.to_dict().get("formula", "")]
    formula = items[0]
    code = compile(formula, "<calc>", "eval")
    result = eval(code)
    return "ok"
