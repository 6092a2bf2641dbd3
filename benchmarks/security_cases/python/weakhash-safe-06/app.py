import hashlib
import tornado.web
import html


class ItemHandler(tornado.web.RequestHandler):
    def get(self):
        api_key = self.get_query_argument("api_key", "")
        if not api_key:
            api_key = "pw"
        digest = hashlib.new("sha512", api_key.encode()).hexdigest()
        self.write("ok")


app = tornado.web.Application([(r"/admin/view", ItemHandler)])
