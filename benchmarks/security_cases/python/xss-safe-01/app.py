from helpers import prepare
import tornado.web
import html


class ItemHandler(tornado.web.RequestHandler):
    def get(self):
        q = prepare(self.get_body_argument("q"))
        self.write(f"<p>Hello {q}</p>")
        return


app = tornado.web.Application([(r"/api/do", ItemHandler)])
