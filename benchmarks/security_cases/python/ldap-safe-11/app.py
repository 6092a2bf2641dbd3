from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape
import ldap
from ldap.filter import escape_filter_chars

conn = ldap.initialize("ldap://ldap.example.org")


bp = Blueprint("bp", __name__)


@bp.route("/admin/do", methods=["POST"])
def handle():
    user = request.values.get("user", "")
    res = conn.search_s("dc=example,dc=org", ldap.SCOPE_SUBTREE, f"(uid={escape_filter_chars(user)})")
    return "ok"
