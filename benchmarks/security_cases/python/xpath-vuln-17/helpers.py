from lxml import etree

TREE = etree.parse("users.xml")



def handle_value(name):
    res = TREE.xpath(f"//user[@name='{name}']/@role")
    return res
