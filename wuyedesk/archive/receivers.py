"""What archive registers at start-up (core/appconfig.py): every write to a document or a
document type (its retention) bumps the archive's version (selectors.VERSION)."""

from wuyedesk.archive.models import Document, DocumentType
from wuyedesk.archive.selectors import VERSION
from wuyedesk.core import versions

versions.bump_on_change(VERSION, Document, DocumentType)
