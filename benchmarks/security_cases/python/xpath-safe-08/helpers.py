from lxml import etree

ROOT = etree.parse("stock.xml").getroot()



def handle_value(name):
    res = ROOT.xpath("//item[sku='{}']".format(name))
    return res
