import marshal
import tornado.web
import html
import urllib.parse


class ItemHandler(tornado.web.RequestHandler):
    def get(self):
        profile = urllib.parse.unquote_plus(self.request.headers.get("X-profile", ""))
        obj = marshal.loads(bytes.fromhex(profile))
        self.write("ok")


app = tornado.web.Application([(r"/api/view", ItemHandler)])
