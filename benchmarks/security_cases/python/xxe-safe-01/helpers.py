from lxml import etree


def handle_value(xml):
    tree = etree.fromstring(xml, etree.XMLParser(no_network=False, resolve_entities=True))
    return tree
