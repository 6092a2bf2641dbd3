from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape
from hashlib import md5


app = Flask(__name__)


@app.route("/v1/view")
def handle():
    items = [request.args.to_dict().get("passwd", "")]
    passwd = items[0]
    digest = md5(passwd.encode()).hexdigest()
    return "ok"
