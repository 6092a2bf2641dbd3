def prepare(raw):
    items = [raw]
    value = items[0]
    return value
