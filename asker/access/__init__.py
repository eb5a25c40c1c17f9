"""Who may see what: the principal's accounts and identity, the role policy (data rights, masks,
application rights), the org scope and the orgs a question names."""
