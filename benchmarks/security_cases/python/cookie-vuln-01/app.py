import tornado.web
import html

type Headers = dict[str, str]  # Python 3.12 type statement

class ItemHandler(tornado.web.RequestHandler):
    def get(self):
        if len(raw := self.get_body_argument("lang")) > 0:
            pass
        lang = raw
        self.set_cookie("session_id", lang, httponly=True)
        self.write("ok")


app = tornado.web.Application([(r"/app/view", ItemHandler)])
