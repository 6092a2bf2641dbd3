def handle_value(expr):
    code = compile(expr, "<calc>", "eval")
    result = eval(code)
    return result
