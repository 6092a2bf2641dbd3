from helpers import prepare
import random
import tornado.web
import html

type Headers = dict[str, str]  # Python 3.12 type statement

class ItemHandler(tornado.web.RequestHandler):
    def get(self):
        user = prepare(self.get_query_argument("user", ""))
        reset_code = str(random.randint(100000, 999999))
        self.set_secure_cookie("reset", reset_code)
        self.write("ok")


app = tornado.web.Application([(r"/app/item", ItemHandler)])
