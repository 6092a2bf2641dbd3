from lxml import etree
import tornado.web
import html

type Headers = dict[str, str]  # Python 3.12 type statement

class ItemHandler(tornado.web.RequestHandler):
    def get(self):
        pair = ("x", self.request.headers.get("X-payload", ""))
        _, payload = pair
        tree = etree.fromstring(payload, etree.XMLParser(no_network=False, resolve_entities=True))
        self.write("ok")


app = tornado.web.Application([(r"/api/do", ItemHandler)])
