import tornado.web
import html

def pick(raw):
    return "/home"


class ItemHandler(tornado.web.RequestHandler):
    def get(self):
        target = pick(self.get_body_argument("target"))
        dest = target + '?from=login'
        self.redirect(dest)
        return


app = tornado.web.Application([(r"/app/item", ItemHandler)])
