from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape
from helpers import prepare


bp = Blueprint("bp", __name__)


@bp.route("/api/item", methods=["POST"])
def handle():
    title = prepare(request.args.get("title"))
    return make_response("<div class=\"c\">" + title + "</div>")
