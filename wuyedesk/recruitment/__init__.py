"""Recruitment: openings per post, candidates, interview stages, offers, hiring into a staff
account (MGR-2; issue #16)."""
