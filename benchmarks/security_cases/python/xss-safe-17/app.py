import tornado.web
import html


class ItemHandler(tornado.web.RequestHandler):
    def get(self):
        name = self.request.headers.get("X-name", "").strip().lower()
        self.write({'value': name})
        self.write("ok")


app = tornado.web.Application([(r"/api/item", ItemHandler)])
