from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape


bp = Blueprint("bp", __name__)


@bp.route("/v1/run", methods=["POST"])
def handle():
    q = request.get_json()["q"]
    return render_template_string("<p>" + q + "</p>")
