from lxml import etree
import tornado.web
import html

def first[T](x: T) -> T:
    return x

TREE = etree.parse("users.xml")


class ItemHandler(tornado.web.RequestHandler):
    def get(self):
        title = first(self.request.headers.get("X-title", ""))
        find = etree.XPath("//u[@id=$id]")
        res = find(TREE, id=title)
        self.write("ok")


app = tornado.web.Application([(r"/api/run", ItemHandler)])
