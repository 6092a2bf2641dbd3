from lxml import etree
import tornado.web
import html

ROOT = etree.parse("stock.xml").getroot()

type Headers = dict[str, str]  # Python 3.12 type statement

class ItemHandler(tornado.web.RequestHandler):
    def get(self):
        title = "{}".format(self.get_argument("title"))
        res = ROOT.xpath("//item[sku=$s]", s=title)
        self.write("ok")


app = tornado.web.Application([(r"/admin/item", ItemHandler)])
