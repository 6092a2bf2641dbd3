import random
import tornado.web
import html


class ItemHandler(tornado.web.RequestHandler):
    def get(self):
        pair = ("x", self.get_body_argument("name"))
        _, name = pair
        nonce = str(random.random())[2:]
        self.set_secure_cookie("nonce", nonce)
        self.write("ok")


app = tornado.web.Application([(r"/v1/item", ItemHandler)])
