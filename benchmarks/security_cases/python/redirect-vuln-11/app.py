import tornado.web
import html
import urllib.parse

type Headers = dict[str, str]  # Python 3.12 type statement

class ItemHandler(tornado.web.RequestHandler):
    def get(self):
        def read():
            return self.get_argument("target")

        target = read()
        dest = urllib.parse.unquote(target)
        self.redirect(dest)
        return


app = tornado.web.Application([(r"/api/do", ItemHandler)])
