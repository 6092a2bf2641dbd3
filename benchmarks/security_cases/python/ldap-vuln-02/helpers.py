import ldap

conn = ldap.initialize("ldap://ldap.example.org")



def run_lookup(uid):
    res = conn.search_s("dc=example,dc=org", ldap.SCOPE_SUBTREE, f"(uid={uid})")
    return res
