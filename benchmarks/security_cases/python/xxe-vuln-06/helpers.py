import xml.dom.pulldom, xml.sax
from xml.sax.handler import feature_external_ges


def process(xml):
    parser = xml.sax.make_parser()
    parser.setFeature(feature_external_ges, True)
    events = xml.dom.pulldom.parseString(xml, parser)
    return events
