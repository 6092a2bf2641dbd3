def handle_value(expr):
    result = eval("2 * (" + expr + ")")
    return result
