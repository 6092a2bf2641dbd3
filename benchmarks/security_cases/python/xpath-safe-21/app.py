from lxml import etree
import tornado.web
import html

TREE = etree.parse("users.xml")


class ItemHandler(tornado.web.RequestHandler):
    def get(self):
        title = "{}".format(self.request.headers.get("X-title", ""))
        res = TREE.xpath("//user[@name=$name]/@role", name=title)
        self.write("ok")


app = tornado.web.Application([(r"/admin/do", ItemHandler)])
