from lxml import etree

ROOT = etree.parse("stock.xml").getroot()



def do_work(user):
    res = ROOT.xpath("//item[sku='{}']".format(user))
    return res
