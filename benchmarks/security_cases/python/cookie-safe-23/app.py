from helpers import prepare
import tornado.web
import html


class ItemHandler(tornado.web.RequestHandler):
    def get(self):
        pref = prepare(self.request.headers.get("X-pref", ""))
        self.set_cookie("session_id", pref, secure=True, httponly=True)
        self.write("ok")


app = tornado.web.Application([(r"/api/view", ItemHandler)])
