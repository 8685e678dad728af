"""The appraisal's services: cycles and their computation (cycles.py), the review, publishing
and disputes (workflow.py)."""
