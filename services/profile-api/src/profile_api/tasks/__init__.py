"""What a caller must do, and by when (`GET /api/v1/tasks`): the workflow as the regulation (QĐ 6187/QĐ-UBND)
wires it, computed from the data on each call — there is no tasks table, so a task can never disagree
with the request, batch, record or review it is about (HR's requests that a person fix their record,
`fix_requests`, are such data: the `fix_record` task lasts while the request is open).

- `router` → `service.list_tasks` → each kind's collector in `kinds` → its statements in `queries`.
- `kinds.KINDS` is the registry: per kind its stable code (`schemas.TaskKind`), its Vietnamese label, the
  clause it comes from, who has it (roles the regulation names and the scopes acting needs, decided from
  the token before any lookup) and its collector. A collector counts every task of its kind in SQL and
  lists at most `limit` of them, every statement scoped to the caller's subtree (`scoped_to_subtree`).
- Deadlines are `DeadlinePolicy`'s (`request_due`, `overdue_submitted_before`, `account_due`,
  `latest_overdue_arrival`, `sync_due`, `review_due` …) over `load_calendar`; nothing here adds days.

A new kind is a `TaskKind` member, one collector in `kinds`, its builder in `queries`, and one `Kind(...)`
line in `KINDS`; router, service and the response shape stay as they are (the transfer kinds — accept an
incoming transfer, re-check after a move, hand a move to a central body over nationally — came in so).
"""
