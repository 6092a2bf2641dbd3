from helpers import run_lookup
import tornado.web
import html


class ItemHandler(tornado.web.RequestHandler):
    def get(self):
        num = 106
        uid = "jdoe" if (7 * 18) + num > 200 else self.request.headers.get("X-uid", "")
        out = run_lookup(uid)
        self.write("ok")


app = tornado.web.Application([(r"/admin/do", ItemHandler)])
