from lxml import etree

TREE = etree.parse("users.xml")



def run_lookup(sku):
    res = TREE.xpath(f"//user[@name='{sku}']/@role")
    return res
