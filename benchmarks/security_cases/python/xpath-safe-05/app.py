from lxml import etree
import tornado.web
import html

TREE = etree.parse("users.xml")


class ItemHandler(tornado.web.RequestHandler):
    def get(self):
        user = self.get_cookie("user", "").strip().lower()
        res = TREE.xpath("//user[@name=$name]/@role", name=user)
        self.write("ok")


app = tornado.web.Application([(r"/app/view", ItemHandler)])
