from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape
import ldap

conn = ldap.initialize("ldap://ldap.example.org")


app = Flask(__name__)


def init(app):
    @app.route("/app/do", methods=["GET", "POST"])
    def handle():
        parts = []
        for p in request.values.get("mail", "").split(","):
            parts.append(p.strip())
        mail = ",".join(parts)
        res = conn.search_s("dc=example,dc=org", ldap.SCOPE_SUBTREE, f"(uid={mail})")
        return "ok"

    return app


init(app)
