def handle_value(calc):
    code = compile(calc, "<calc>", "eval")
    result = eval(code)
    return result
