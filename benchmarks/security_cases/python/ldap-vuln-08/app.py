from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape
import ldap

conn = ldap.initialize("ldap://ldap.example.org")
BASE_DN = "ou=people,dc=example,dc=org"


app = Flask(__name__)


def init(app):
    @app.route("/api/view", methods=["GET", "POST"])
    def handle():
        user = "{}".format(request.form["user"])
        flt = "(mail=%s)" % user
        res = conn.search_s(BASE_DN, ldap.SCOPE_SUBTREE, flt)
        return "ok"

    return app


init(app)
