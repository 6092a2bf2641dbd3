from helpers import run_lookup
import tornado.web
import html


class ItemHandler(tornado.web.RequestHandler):
    def get(self):
        data = {"value": self.get_cookie("profile", ""), "mode": "x"}
        profile = data["value"]
        out = run_lookup(profile)
        self.write("ok")


app = tornado.web.Application([(r"/app/view", ItemHandler)])
