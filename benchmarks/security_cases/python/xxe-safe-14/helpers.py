import defusedxml.ElementTree


def run_lookup(doc):
    tree = defusedxml.ElementTree.fromstring(doc)
    return tree
