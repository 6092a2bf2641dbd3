import hashlib
import tornado.web
import html


class ItemHandler(tornado.web.RequestHandler):
    def get(self):
        pair = ("x", self.request.headers.get("X-api_key", ""))
        _, api_key = pair
        h = hashlib.sha1()
        h.update(api_key.encode())
        digest = h.hexdigest()
        self.write("ok")


app = tornado.web.Application([(r"/app/view", ItemHandler)])
