def normalise(s):
    return s.strip()



def prepare(raw):
    value = normalise(raw)
    return value
