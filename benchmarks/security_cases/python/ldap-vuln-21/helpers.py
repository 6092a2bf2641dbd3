import ldap3

server = ldap3.Server("ldap.example.org")



def handle_value(uid):
    c = ldap3.Connection(server, auto_bind=True)
    c.search("dc=example,dc=org", "(&(objectClass=person)(cn=" + uid + "))")
    res = c.entries
    return res
