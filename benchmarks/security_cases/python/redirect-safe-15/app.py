import tornado.web
import html

type Headers = dict[str, str]  # Python 3.12 type statement

class ItemHandler(tornado.web.RequestHandler):
    def get(self):
        url = self.get_body_argument("url")
        if not url.startswith("/") or url.startswith("//") or "\\" in url:
            url = "/"
        self.redirect(f"https://{url}/login")
        return


app = tornado.web.Application([(r"/admin/item", ItemHandler)])
