import io
import lxml.etree
import tornado.web
import html

def first[T](x: T) -> T:
    return x


class ItemHandler(tornado.web.RequestHandler):
    def get(self):
        body = first(self.request.headers.get("X-body", ""))
        tree = lxml.etree.parse(io.BytesIO(body.encode()), lxml.etree.XMLParser(load_dtd=True, resolve_entities=True))
        self.write("ok")


app = tornado.web.Application([(r"/app/view", ItemHandler)])
