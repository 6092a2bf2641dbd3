import tornado.web
import html
import urllib.parse

def pick(raw):
    return "/home"


class ItemHandler(tornado.web.RequestHandler):
    def get(self):
        url = pick(self.get_argument("url"))
        dest = urllib.parse.unquote(url)
        self.redirect(dest)
        return


app = tornado.web.Application([(r"/app/view", ItemHandler)])
