def prepare(raw):
    raw = raw
    value = "" + raw
    return value
