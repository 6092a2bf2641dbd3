from lxml import etree


def process(doc):
    tree = etree.fromstring(doc, etree.XMLParser(no_network=False, resolve_entities=True))
    return tree
