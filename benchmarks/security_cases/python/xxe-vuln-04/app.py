from helpers import process
import tornado.web
import html


class ItemHandler(tornado.web.RequestHandler):
    def get(self):
        raw = self.get_argument("xml")
        xml = "" + raw
        out = process(xml)
        self.write("ok")


app = tornado.web.Application([(r"/v1/view", ItemHandler)])
