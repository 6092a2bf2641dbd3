def first[T](x: T) -> T:
    return x



def prepare(raw):
    value = first(raw)
    return value
