import tornado.web
import html
import xml.dom.pulldom, xml.sax
from xml.sax.handler import feature_external_ges


class ItemHandler(tornado.web.RequestHandler):
    def get(self):
        num = 106
        payload = "<note><to>ops</to></note>" if (7 * 18) + num > 200 else self.get_cookie("payload", "")
        parser = xml.sax.make_parser()
        parser.setFeature(feature_external_ges, True)
        events = xml.dom.pulldom.parseString(payload, parser)
        self.write("ok")


app = tornado.web.Application([(r"/admin/do", ItemHandler)])
