"""No number of the regulation is a code constant (#14 point 3, POL-3): every field of
PolicySettings is read, from the version in force, by the modules named here."""

import re
from pathlib import Path

import pytest

from wuyedesk.policies.models import APPRAISAL_PARTS, DIMENSION_CODES
from wuyedesk.policies.services import regulation_fields
from wuyedesk.reports import survey_analysis

ROOT = Path(__file__).resolve().parents[2]
CALENDAR = "policies/calendar.py"

# field → the modules that read it from the settings in force (policy()).
READERS = {
    "inquiry_follow_up_hours": [CALENDAR],
    "complaint_investigation_hours": [CALENDAR],
    "return_visit_hours": [CALENDAR],
    "inquiry_clock_start": [CALENDAR],
    "inquiry_clock_hours": [CALENDAR],
    "complaint_clock_start": [CALENDAR],
    "complaint_clock_hours": [CALENDAR],
    "return_visit_clock_start": [CALENDAR],
    "return_visit_clock_hours": [CALENDAR],
    "service_day_start": [CALENDAR, "staffing/coverage.py"],
    "service_day_end": [CALENDAR, "staffing/coverage.py"],
    "use_holiday_calendar": [CALENDAR],
    "return_visit_max_attempts": ["tickets/services/complaint.py"],
    "reminder_minutes": ["tickets/sla.py"],
    "complaint_notify_severities": ["tickets/services/intake.py"],
    "attachment_max_mb": ["tickets/attachments.py"],
    "closed_reply": [
        "tickets/services/replies.py",
        "mailbox/inbound.py",
        "channels/services/portal.py",
    ],
    "late_recording_minutes": ["tickets/services/base.py", "tickets/seeding.py"],
    "duplicate_window_hours": ["tickets/caller_history.py", "tickets/intake_api.py"],
    "decision_needs_findings": ["tickets/services/complaint.py"],
    "decision_needs_measure": ["tickets/services/complaint.py"],
    "survey_every_months": ["surveys/services/campaigns.py"],
    "survey_open_days": ["surveys/services/campaigns.py"],
    "survey_confidence": ["surveys/services/campaigns.py", "reports/survey_analysis.py"],
    "survey_margin_points": ["surveys/services/campaigns.py"],
    "survey_reminder_days": ["surveys/services/invitations.py"],
    "survey_phone_max_attempts": ["surveys/services/answers.py"],
    "improvement_reminder_days": ["improvements/reminders.py"],
    "analysis_target_share": ["reports/survey_analysis.py"],
    "supervision_rectification_days": ["supervision/services/inspections.py"],
    "supervision_repeat_days": ["supervision/services/inspections.py"],
    "supervision_calibration_divergence": ["supervision/services/inspections.py"],
    "analysis_previous_campaigns": ["reports/survey_analysis.py"],
    **{f"weight_{code}": ["reports/survey_analysis.py"] for code in DIMENSION_CODES},
    "target_amber_margin": ["workplans/figures.py"],
    "work_report_weekly": ["workplans/services/reports.py"],
    "work_report_monthly": ["workplans/services/reports.py"],
    "work_report_quarterly": ["workplans/services/reports.py"],
    **{f"appraisal_weight_{part}": ["appraisal/services/cycles.py"] for part in APPRAISAL_PARTS},
    "appraisal_excellent_min": ["appraisal/scoring.py"],
    "appraisal_pass_min": ["appraisal/scoring.py"],
    "appraisal_complaint_points": ["appraisal/services/cycles.py"],
    "appraisal_dispute_days": ["appraisal/services/workflow.py"],
    "reward_appeal_days": ["rewards/services.py", "rewards/selectors.py"],
    # The cycle's version (appraisal.Cycle.settings), read by the proposals it makes.
    "reward_propose_excellent": ["rewards/from_appraisal.py"],
    "penalty_propose_failed": ["rewards/from_appraisal.py"],
    # Issue #16 point 1 (MGT-1): attendance and the roster's coverage.
    "attendance_grace_minutes": ["staffing/attendance.py"],
    "attendance_absence_minutes": ["staffing/attendance.py"],
    "roster_cover_counter": ["staffing/coverage.py"],
    "roster_cover_phone": ["staffing/coverage.py"],
    "induction_gate_enabled": ["training/selectors.py"],
    "training_reminder_days": ["training/selectors.py"],
}
# Read through a method of the settings (PolicySettings.dimension_weights()).
THROUGH = {f"weight_{code}": "dimension_weights()" for code in DIMENSION_CODES} | {
    f"appraisal_weight_{part}": "appraisal_weights()" for part in APPRAISAL_PARTS
}
# Settings the staff issue that follows (appraisals, attendance) will read; nothing reads
# them yet. When it does, it moves them to READERS.
AWAITING_STAFF_ISSUE = {
    "appraisal_every_months",
}


def test_every_regulation_field_has_its_readers():
    assert set(regulation_fields()) == set(READERS) | AWAITING_STAFF_ISSUE


@pytest.mark.parametrize(("field", "modules"), sorted(READERS.items()))
def test_each_reader_reads_the_field_from_the_settings(field, modules):
    for module in modules:
        source = (ROOT / module).read_text(encoding="utf-8")
        read = THROUGH.get(field, field)
        assert re.search(rf"[.\"']{re.escape(read)}", source), f"{module} does not read {field}"
        assert "policy()" in source or "settings" in source, module


def test_the_former_constants_are_gone():
    for name in ("TARGET_SHARE", "DIMENSION_WEIGHTS", "PREVIOUS_QUARTERS"):
        assert not hasattr(survey_analysis, name)
    for module in ("tickets/services/base.py", "tickets/services/intake.py", "tickets/seeding.py"):
        source = (ROOT / module).read_text(encoding="utf-8")
        assert not re.search(r"(24|48|72) \* H\b|hours=(24|48|72)\b", source), module
