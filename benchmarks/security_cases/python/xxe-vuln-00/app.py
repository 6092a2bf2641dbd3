import io
import lxml.etree
import tornado.web
import html


class ItemHandler(tornado.web.RequestHandler):
    def get(self):
        data = {"value": self.get_body_argument("doc"), "mode": "x"}
        doc = data["value"]
        tree = lxml.etree.parse(io.BytesIO(doc.encode()), lxml.etree.XMLParser(load_dtd=True, resolve_entities=True))
        self.write("ok")


app = tornado.web.Application([(r"/admin/run", ItemHandler)])
