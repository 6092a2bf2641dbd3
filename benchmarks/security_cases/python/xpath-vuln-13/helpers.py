from lxml import etree

ROOT = etree.parse("stock.xml").getroot()



def handle_value(sku):
    res = ROOT.xpath("//item[sku='{}']".format(sku))
    return res
