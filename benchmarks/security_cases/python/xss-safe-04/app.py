from helpers import prepare
import tornado.web
import html


class ItemHandler(tornado.web.RequestHandler):
    def get(self):
        name = prepare(self.request.headers.get("X-name", ""))
        self.write({'value': name})
        self.write("ok")


app = tornado.web.Application([(r"/app/item", ItemHandler)])
