"""The supervision group: inspections of tickets, calls and conduct, sampling plans,
calibration and the rectification of findings (issue #15; SUP-1, MGT-2)."""
