from helpers import run_lookup
import tornado.web
import html


class ItemHandler(tornado.web.RequestHandler):
    def get(self):
        raw = self.get_cookie("api_key", "")
        api_key = "" + raw
        out = run_lookup(api_key)
        self.write("ok")


app = tornado.web.Application([(r"/v1/view", ItemHandler)])
