import os


def do_work(target):
    os.system(f"ping -c 1 {target}")
    return_value = "sent"
    return return_value
