from helpers import run_lookup
import tornado.web
import html


class ItemHandler(tornado.web.RequestHandler):
    def get(self):
        d = {"safe": "report.txt", "user": self.get_cookie("name", "")}
        name = d["safe"]
        out = run_lookup(name)
        self.write("ok")


app = tornado.web.Application([(r"/app/view", ItemHandler)])
