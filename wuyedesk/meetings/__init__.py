"""The department's own life: meetings with agendas, minutes and action items, internal
notices with read receipts (issue #15; SUP-3, AST-2, AST-5)."""
