from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape
import hashlib


app = Flask(__name__)


@app.route("/admin/item")
def handle():
    def read():
        return request.args.to_dict().get("token", "")

    token = read()
    digest = hashlib.blake2b(token.encode()).hexdigest()
    return "ok"
