import random
import tornado.web
import html


class ItemHandler(tornado.web.RequestHandler):
    def get(self):
        name = f"{self.request.headers.get("X-name", "")}"
        nonce = str(random.random())[2:]
        self.set_secure_cookie("nonce", nonce)
        self.write("ok")


app = tornado.web.Application([(r"/api/view", ItemHandler)])
