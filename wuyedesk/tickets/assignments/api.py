"""Tasks from superiors under /api/v1/tasks (SPE-5)."""

from django.core.exceptions import PermissionDenied
from ninja import Query, Router, Status

from wuyedesk.tickets import selectors
from wuyedesk.tickets.api import ERRORS, keyset_page, pick, pick_staff, require_staff
from wuyedesk.tickets.assignments import schemas, services
from wuyedesk.tickets.assignments import selectors as task_selectors

router = Router(tags=["tasks"])


@router.get("", response={200: schemas.TaskPage, **ERRORS}, operation_id="task_list")
def task_list(request, filters: Query[schemas.TaskFilters]):
    """Tasks given to me and tasks I gave."""
    require_staff(request)
    queryset = task_selectors.tasks_of(request.auth, filters.scope)
    if filters.done is not None:
        queryset = queryset.filter(done_at__isnull=not filters.done)
    return keyset_page(queryset, filters.limit, filters.cursor)


@router.post("", response={201: schemas.TaskOut, **ERRORS}, operation_id="task_create")
def task_create(request, payload: schemas.TaskIn):
    """Give a staff member of my communities a task with a deadline (manager)."""
    require_staff(request)
    user = request.auth
    if not services.may_give_tasks(user):
        raise PermissionDenied
    p = payload
    assignees = selectors.task_assignees_for(user)
    task = services.task_create(
        by=user,
        assignee=pick_staff(assignees, p.assignee, "assignee"),
        title=p.title,
        description=p.description,
        due=p.due,
        ticket=pick(selectors.tickets_visible_to(user), p.ticket, "ticket"),
    )
    return Status(201, task_selectors.task_get_for_user(user, task.pk))


@router.get("/{pk}", response={200: schemas.TaskOut, **ERRORS}, operation_id="task_get")
def task_get(request, pk: int):
    require_staff(request)
    return task_selectors.task_get_for_user(request.auth, pk)


@router.post("/{pk}/done", response={200: schemas.TaskOut, **ERRORS}, operation_id="task_done")
def task_done(request, pk: int, payload: schemas.TaskDoneIn):
    """Report my task done (the person it was given to)."""
    require_staff(request)
    user = request.auth
    task = task_selectors.task_get_for_user(user, pk)
    services.task_done(by=user, task=task, result=payload.result)
    return task_selectors.task_get_for_user(user, pk)
