from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape
import ldap3
from ldap3.utils.conv import escape_filter_chars

def normalise(s):
    return s.strip()

server = ldap3.Server("ldap.example.org")


app = Flask(__name__)


def init(app):
    @app.route("/api/item", methods=["GET", "POST"])
    def handle():
        mail = normalise(request.args.get("mail"))
        c = ldap3.Connection(server, auto_bind=True)
        c.search("dc=example,dc=org", "(&(objectClass=person)(cn=" + escape_filter_chars(mail) + "))")
        res = c.entries
        return "ok"

    return app


init(app)
