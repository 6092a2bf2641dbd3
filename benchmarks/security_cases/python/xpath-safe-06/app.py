from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape
from lxml import etree

TREE = etree.parse("users.xml")


bp = Blueprint("bp", __name__)


@bp.route("/app/item", methods=["POST"])
def handle():
    user = request.cookies.get("user", "")[:128]
    find = etree.XPath("//u[@id=$id]")
    res = find(TREE, id=user)
    return "ok"
