from lxml import etree

TREE = etree.parse("books.xml")



def run_lookup(sku):
    res = TREE.xpath("//book[title='" + sku + "']/price/text()")
    return res
