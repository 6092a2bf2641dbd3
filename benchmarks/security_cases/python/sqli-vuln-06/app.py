from helpers import handle_value
import tornado.web
import html


class ItemHandler(tornado.web.RequestHandler):
    def get(self):
        items = [self.get_cookie("tag", "")]
        tag = items[0]
        out = handle_value(tag)
        self.write("ok")


app = tornado.web.Application([(r"/v1/item", ItemHandler)])
