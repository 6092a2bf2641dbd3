from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape
import ldap

CHOICES = {"a": "jdoe", "b": "other"}

conn = ldap.initialize("ldap://ldap.example.org")


bp = Blueprint("bp", __name__)


@bp.route("/api/view", methods=["POST"])
def handle():
    uid = CHOICES.get(request.cookies.get("uid", ""), "jdoe")
    res = conn.search_ext_s("dc=example,dc=org", ldap.SCOPE_SUBTREE, "(sAMAccountName={})".format(uid))
    return "ok"
