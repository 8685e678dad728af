"""The customer archive: documents kept with a household or resident, their retention and
destruction (issue #15; AST-1)."""
