"""Every change in supervision: permission (supervision.access), validation, the write and
its audit row in one transaction; notifications after the commit. By concern: `group`
(members, checklists), `inspections` (create, score, close → rectifications, answer,
photos), `sampling` (plans and their worker job, replacement), `calibration`."""
