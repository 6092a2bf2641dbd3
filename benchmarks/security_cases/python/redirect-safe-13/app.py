import tornado.web
import html
import urllib.parse


class ItemHandler(tornado.web.RequestHandler):
    def get(self):
        items = [self.get_cookie("next", "")]
        next = items[0]
        self.redirect("/search?q=" + urllib.parse.quote(next))
        return


app = tornado.web.Application([(r"/api/run", ItemHandler)])
