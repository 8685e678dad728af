"""The category tree editor (issue #12 point 7): the manager or administrator adds, renames,
moves, reorders, deactivates and reactivates ticket categories and sets each one's default
department. Services in services.py, the page in views.py, the API in api.py."""
