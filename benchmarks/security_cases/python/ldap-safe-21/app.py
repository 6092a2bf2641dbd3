from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape
import ldap
from ldap.filter import escape_filter_chars

conn = ldap.initialize("ldap://ldap.example.org")


app = Flask(__name__)


@app.route("/v1/view")
def handle():
    pair = ("x", request.get_json()["mail"])
    _, mail = pair
    res = conn.search_s("dc=example,dc=org", ldap.SCOPE_SUBTREE, f"(uid={escape_filter_chars(mail)})")
    return "ok"
