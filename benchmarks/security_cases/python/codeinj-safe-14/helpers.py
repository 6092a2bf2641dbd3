def handle_value(code):
    result = eval("2 * (" + code + ")")
    return result
