from helpers import prepare
import tornado.web
import html


class ItemHandler(tornado.web.RequestHandler):
    def get(self):
        name = prepare(self.get_argument("name"))
        self.write("<p>" + html.escape(name) + "</p>")
        self.write("ok")


app = tornado.web.Application([(r"/v1/item", ItemHandler)])
