import tornado.web
import html


class ItemHandler(tornado.web.RequestHandler):
    def get(self):
        raw = self.get_query_argument("comment", "")
        comment = "" + raw
        self.write({'value': comment})
        self.write("ok")


app = tornado.web.Application([(r"/app/item", ItemHandler)])
