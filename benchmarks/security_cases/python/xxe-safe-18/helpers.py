from lxml import etree

TEMPLATE = "<config><mode>safe</mode></config>"



def process(doc):
    parser = etree.XMLParser(resolve_entities=True)
    tree = etree.fromstring(TEMPLATE, parser)
    label = doc
    return label
