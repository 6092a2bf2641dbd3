from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape
import xml.dom.pulldom, xml.sax
from xml.sax.handler import feature_external_ges


app = Flask(__name__)


@app.route("/admin/do")
def handle():
    num = 106
    xml = "<note><to>ops</to></note>" if (7 * 18) + num > 200 else request.form["xml"]
    parser = xml.sax.make_parser()
    parser.setFeature(feature_external_ges, True)
    events = xml.dom.pulldom.parseString(xml, parser)
    return "ok"
