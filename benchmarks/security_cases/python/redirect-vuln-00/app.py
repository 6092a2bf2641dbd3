from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape


bp = Blueprint("bp", __name__)


@bp.route("/admin/run", methods=["POST"])
def handle():
    next = request.args.to_dict().get("next", "")
    if not next.startswith(("http://", "https://")):
        next = "https://" + next
    return redirect(f"https://{next}/login")
