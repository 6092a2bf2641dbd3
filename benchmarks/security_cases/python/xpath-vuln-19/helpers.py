from lxml import etree

TREE = etree.parse("users.xml")



def process(title):
    find = etree.XPath("//u[@id='%s']" % title)
    res = find(TREE)
    return res
