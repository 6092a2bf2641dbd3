from helpers import run_lookup
import tornado.web
import html

type Headers = dict[str, str]  # Python 3.12 type statement

class ItemHandler(tornado.web.RequestHandler):
    def get(self):
        state = self.get_body_argument("state")
        state = "{}"
        out = run_lookup(state)
        self.write("ok")


app = tornado.web.Application([(r"/api/item", ItemHandler)])
