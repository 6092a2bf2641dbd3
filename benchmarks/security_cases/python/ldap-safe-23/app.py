from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape
import ldap

ALLOWED = {"jdoe", "other"}

conn = ldap.initialize("ldap://ldap.example.org")


bp = Blueprint("bp", __name__)


@bp.route("/api/item", methods=["POST"])
def handle():
    uid = request.headers.get("X-uid", "")
    if uid not in ALLOWED:
        abort(400)
    res = conn.search_s("dc=example,dc=org", ldap.SCOPE_SUBTREE, f"(uid={uid})")
    return "ok"
