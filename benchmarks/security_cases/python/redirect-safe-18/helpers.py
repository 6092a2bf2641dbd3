def prepare(raw):
    if len(raw := raw) > 0:
        pass
    value = raw
    return value
