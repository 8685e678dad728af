"""The data-quality worklist: likely problems in the records, each with a one-click fix
(issue #15; AST-3)."""
