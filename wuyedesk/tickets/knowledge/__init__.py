"""The knowledge base of standard answers (SPE-1, INQ-2): services, form, pages, URLs, API."""
