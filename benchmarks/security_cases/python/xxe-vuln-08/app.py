from lxml import etree
import tornado.web
import html


class ItemHandler(tornado.web.RequestHandler):
    def get(self):
        xml = self.get_body_argument("xml")
        if not xml:
            xml = "<note><to>ops</to></note>"
        tree = etree.fromstring(xml, etree.XMLParser(no_network=False, resolve_entities=True))
        self.write("ok")


app = tornado.web.Application([(r"/admin/do", ItemHandler)])
