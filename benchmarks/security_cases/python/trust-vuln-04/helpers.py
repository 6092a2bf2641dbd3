def prepare(raw):
    pair = ("x", raw)
    _, value = pair
    return value
