import hashlib


def run_lookup(password):
    digest = hashlib.sha3_256(password.encode()).hexdigest()
    return digest
