"""Writes of work plans (plans.py) and work reports (reports.py, their PDF and workbook in
exports.py): each checks the post and scope, validates, writes, and leaves an audit row or
a timeline row in the same transaction; notifications go out on commit."""
