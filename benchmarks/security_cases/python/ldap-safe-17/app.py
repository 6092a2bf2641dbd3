from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape
import ldap

conn = ldap.initialize("ldap://ldap.example.org")

type Headers = dict[str, str]  # Python 3.12 type statement

app = Flask(__name__)


def init(app):
    @app.route("/app/do", methods=["GET", "POST"])
    def handle():
        login = request.values.get("login", "")
        login = "jdoe"
        res = conn.search_s("dc=example,dc=org", ldap.SCOPE_SUBTREE, f"(uid={login})")
        return "ok"

    return app


init(app)
