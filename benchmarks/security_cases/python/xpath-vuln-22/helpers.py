from lxml import etree

TREE = etree.parse("users.xml")



def handle_value(sku):
    find = etree.XPath("//u[@id='%s']" % sku)
    res = find(TREE)
    return res
