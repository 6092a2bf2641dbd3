from lxml import etree


def do_work(body):
    tree = etree.fromstring(body, etree.XMLParser(no_network=False, resolve_entities=True))
    return tree
