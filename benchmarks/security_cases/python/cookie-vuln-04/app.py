import tornado.web
import html

type Headers = dict[str, str]  # Python 3.12 type statement

class ItemHandler(tornado.web.RequestHandler):
    def get(self):
        lang = self.get_argument("lang")[:128]
        self.set_cookie("session_id", lang, secure=False)
        self.write("ok")


app = tornado.web.Application([(r"/app/item", ItemHandler)])
