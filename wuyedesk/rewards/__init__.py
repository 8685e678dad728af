"""Rewards and penalties: proposals from the appraisal or the manager, approvals, notices and
appeals (MGT-7, MGT-8; issue #16)."""
