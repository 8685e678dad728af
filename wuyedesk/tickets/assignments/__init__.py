"""Tasks from superiors (SPE-5): the manager gives a staff member a task with a deadline.

services, pages and API; the model is tickets.models.Task."""
