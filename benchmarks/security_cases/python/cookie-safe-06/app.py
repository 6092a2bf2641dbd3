import tornado.web
import html


class ItemHandler(tornado.web.RequestHandler):
    def get(self):
        user = self.get_body_argument("user")
        self.set_cookie("session_id", user, secure=True, httponly=True)
        self.write("ok")


app = tornado.web.Application([(r"/v1/run", ItemHandler)])
