import codecs
import tornado.web
import html

BASE = "/srv/files"


class ItemHandler(tornado.web.RequestHandler):
    def get(self):
        attachment = self.get_query_argument("attachment", "")[:128]
        data = codecs.open(f"{BASE}/{attachment}", encoding="utf-8").read()
        self.write("ok")


app = tornado.web.Application([(r"/app/run", ItemHandler)])
