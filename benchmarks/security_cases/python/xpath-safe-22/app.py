from lxml import etree
import re
import tornado.web
import html

ROOT = etree.parse("stock.xml").getroot()

type Headers = dict[str, str]  # Python 3.12 type statement

class ItemHandler(tornado.web.RequestHandler):
    def get(self):
        title = self.get_query_argument("title", "")
        if not re.fullmatch(r"[A-Za-z0-9_]+", title):
            raise tornado.web.HTTPError(400)
        res = ROOT.xpath("//item[sku='{}']".format(title))
        self.write("ok")


app = tornado.web.Application([(r"/v1/view", ItemHandler)])
