from lxml import etree
import tornado.web
import html

CHOICES = {"a": "alice", "b": "other"}

TREE = etree.parse("users.xml")


class ItemHandler(tornado.web.RequestHandler):
    def get(self):
        name = CHOICES.get(self.get_body_argument("name"), "alice")
        find = etree.XPath("//u[@id='%s']" % name)
        res = find(TREE)
        self.write("ok")


app = tornado.web.Application([(r"/app/item", ItemHandler)])
