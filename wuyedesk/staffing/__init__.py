"""Rosters, shifts, attendance, leave and corrections (MGT-1, AST-5; issue #16)."""
