from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape
import ldap

conn = ldap.initialize("ldap://ldap.example.org")


app = Flask(__name__)


@app.route("/app/do")
def handle():
    uid = str(int(request.get_json()["uid"]))
    res = conn.search_s("dc=example,dc=org", ldap.SCOPE_SUBTREE, f"(uid={uid})")
    return "ok"
