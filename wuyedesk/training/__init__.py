"""Training: courses, sessions, attendance, exam scores, each person's record and the induction
gate (MGT-4, MGT-5; issue #16)."""
