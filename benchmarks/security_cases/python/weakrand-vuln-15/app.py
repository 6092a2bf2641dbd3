import random
import tornado.web
import html

def first[T](x: T) -> T:
    return x

type Headers = dict[str, str]  # Python 3.12 type statement

class ItemHandler(tornado.web.RequestHandler):
    def get(self):
        user = first(self.get_query_argument("user", ""))
        nonce = str(random.random())[2:]
        self.set_secure_cookie("nonce", nonce)
        self.write("ok")


app = tornado.web.Application([(r"/v1/do", ItemHandler)])
