"""Quarterly appraisal of staff computed from their work, self-assessment, review,
publishing and disputes (MGT-6, MGT-9, SUP-2; issue #16)."""
