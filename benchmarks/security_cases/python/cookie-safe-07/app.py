import tornado.web
import html

def normalise(s):
    return s.strip()


class ItemHandler(tornado.web.RequestHandler):
    def get(self):
        user = normalise(self.get_cookie("user", ""))
        self.set_cookie("session_id", user, secure=True, httponly=True)
        self.write("ok")


app = tornado.web.Application([(r"/v1/do", ItemHandler)])
