from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape


bp = Blueprint("bp", __name__)


@bp.route("/app/item", methods=["POST"])
def handle():
    comment = request.values.get("comment", "")
    return jsonify(value=comment)
