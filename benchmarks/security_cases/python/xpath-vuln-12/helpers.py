from lxml import etree

TREE = etree.parse("books.xml")



def do_work(sku):
    res = TREE.xpath("//book[title='" + sku + "']/price/text()")
    return res
