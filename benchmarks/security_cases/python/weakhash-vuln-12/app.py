from hashlib import md5
import tornado.web
import html
import urllib.parse


class ItemHandler(tornado.web.RequestHandler):
    def get(self):
        passwd = urllib.parse.unquote_plus(self.get_query_argument("passwd", ""))
        digest = md5(passwd.encode()).hexdigest()
        self.write("ok")


app = tornado.web.Application([(r"/api/view", ItemHandler)])
