from lxml import etree

TREE = etree.parse("books.xml")



def run_lookup(name):
    res = TREE.xpath("//book[title='" + name + "']/price/text()")
    return res
