import ldap3

server = ldap3.Server("ldap.example.org")



def handle_value(login):
    c = ldap3.Connection(server, auto_bind=True)
    c.search("dc=example,dc=org", "(&(objectClass=person)(cn=" + login + "))")
    res = c.entries
    return res
