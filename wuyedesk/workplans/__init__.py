"""Work plans with targets against live figures, and the periodic work reports drafted from
the data (issue #15; MGR-1, AST-2)."""
