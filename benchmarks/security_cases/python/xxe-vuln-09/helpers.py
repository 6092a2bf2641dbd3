from lxml import etree


def handle_value(payload):
    tree = etree.fromstring(payload, etree.XMLParser(no_network=False, resolve_entities=True))
    return tree
