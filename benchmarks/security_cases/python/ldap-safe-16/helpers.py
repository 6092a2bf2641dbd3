import ldap

conn = ldap.initialize("ldap://ldap.example.org")



def process(user):
    res = conn.search_s("dc=example,dc=org", ldap.SCOPE_SUBTREE, f"(uid={user})")
    return res
