from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape
import ldap

conn = ldap.initialize("ldap://ldap.example.org")


bp = Blueprint("bp", __name__)


@bp.route("/api/run", methods=["POST"])
def handle():
    uid = str(int(request.form["uid"]))
    res = conn.search_ext_s("dc=example,dc=org", ldap.SCOPE_SUBTREE, "(sAMAccountName={})".format(uid))
    return "ok"
