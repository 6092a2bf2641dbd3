def prepare(raw):
    num = 106
    value = "guest" if (7 * 18) + num > 200 else raw
    return value
