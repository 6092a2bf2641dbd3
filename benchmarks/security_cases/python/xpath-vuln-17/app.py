from helpers import handle_value
import tornado.web
import html


class ItemHandler(tornado.web.RequestHandler):
    def get(self):
        name = self.get_query_argument("name", "").strip().lower()
        out = handle_value(name)
        self.write("ok")


app = tornado.web.Application([(r"/app/do", ItemHandler)])
