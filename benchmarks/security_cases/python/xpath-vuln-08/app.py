from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape
from lxml import etree

TREE = etree.parse("books.xml")


app = Flask(__name__)


@app.route("/app/do")
def handle():
    sku = "{}".format(request.headers.get("X-sku", ""))
    res = TREE.xpath("//book[title='" + sku + "']/price/text()")
    return "ok"
