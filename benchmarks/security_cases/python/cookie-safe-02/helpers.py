import urllib.parse


def prepare(raw):
    value = urllib.parse.unquote_plus(raw)
    return value
