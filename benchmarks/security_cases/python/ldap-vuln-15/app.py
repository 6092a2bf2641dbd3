from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape
import ldap3

server = ldap3.Server("ldap.example.org")


app = Flask(__name__)


class ItemView(MethodView):
    def post(self):
        uid = "%s" % (request.args.get("uid"),)
        c = ldap3.Connection(server, auto_bind=True)
        c.search("dc=example,dc=org", "(&(objectClass=person)(cn=" + uid + "))")
        res = c.entries
        return "ok"


app.add_url_rule("/api/item", view_func=ItemView.as_view("item"))
