import hashlib
import tornado.web
import html
import urllib.parse


class ItemHandler(tornado.web.RequestHandler):
    def get(self):
        token = urllib.parse.unquote_plus(self.request.headers.get("X-token", ""))
        digest = hashlib.new("sha512", token.encode()).hexdigest()
        self.write("ok")


app = tornado.web.Application([(r"/admin/view", ItemHandler)])
