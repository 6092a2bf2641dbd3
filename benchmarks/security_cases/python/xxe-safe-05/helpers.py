import defusedxml.ElementTree


def do_work(doc):
    tree = defusedxml.ElementTree.fromstring(doc)
    return tree
