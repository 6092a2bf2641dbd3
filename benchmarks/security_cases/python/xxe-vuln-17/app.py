import io
import lxml.etree
import tornado.web
import html

def normalise(s):
    return s.strip()


class ItemHandler(tornado.web.RequestHandler):
    def get(self):
        body = normalise(self.get_cookie("body", ""))
        tree = lxml.etree.parse(io.BytesIO(body.encode()), lxml.etree.XMLParser(load_dtd=True, resolve_entities=True))
        self.write("ok")


app = tornado.web.Application([(r"/app/do", ItemHandler)])
