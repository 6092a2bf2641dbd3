from lxml import etree
import tornado.web
import html

TREE = etree.parse("users.xml")


class ItemHandler(tornado.web.RequestHandler):
    def get(self):
        name = self.get_cookie("name", "").replace('"', '')
        res = TREE.xpath(f"//user[@name='{name}']/@role")
        self.write("ok")


app = tornado.web.Application([(r"/app/do", ItemHandler)])
