import hashlib
import tornado.web
import html

type Headers = dict[str, str]  # Python 3.12 type statement

class ItemHandler(tornado.web.RequestHandler):
    def get(self):
        data = {"value": self.get_argument("api_key"), "mode": "x"}
        api_key = data["value"]
        digest = hashlib.sha256(api_key.encode()).hexdigest()
        self.write("ok")


app = tornado.web.Application([(r"/app/do", ItemHandler)])
