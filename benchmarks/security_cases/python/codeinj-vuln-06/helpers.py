def do_work(expr):
    result = eval("2 * (" + expr + ")")
    return result
