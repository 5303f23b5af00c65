"""The home page's tasks: the API's list (already overdue first, then by due date), grouped as the person reads
it — what is late, what is to do — each with the portal screen that does it (`SCREENS`; a kind without a screen
yet links nowhere and says which API route serves it)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from portal.accounts.links import account_for

# A task kind → the portal path that does it, from the task's subject.
SCREENS: dict[str, Callable[[dict[str, Any]], str]] = {
    "decide_change_request": lambda subject: f"/duyet/{subject['change_request_id']}",
    "fix_returned_request": lambda subject: f"/yeu-cau/{subject['change_request_id']}",
    "recheck_after_move": lambda subject: f"/ho-so/{subject['profile_id']}/kiem-tra",
    "accept_transfer": lambda subject: f"/dieu-chuyen/{subject['transfer_id']}",
    "hand_over_nationally": lambda subject: f"/dieu-chuyen/{subject['transfer_id']}",
    "submit_sync_batch": lambda subject: "/dong-bo",
    "approve_sync_batch": lambda subject: f"/dong-bo/lo/{subject['sync_batch_id']}",
    "replay_dead_letter": lambda subject: f"/goi-tin/{subject['packet_id']}",
    "create_incoming_account": account_for,
    "sign_quarterly_review": lambda subject: (f"/ra-soat/{subject['review_id']}" if subject.get("review_id")
                                              else f"/ra-soat?quy={subject['quarter']}"),
    "chase_late_review": lambda subject: f"/ra-soat?quy={subject['quarter']}&tinh-trang=not_submitted",
    "fix_record": lambda subject: f"/ho-so/{subject['profile_id']}",
}


def screen(task: dict[str, Any]) -> str | None:
    make = SCREENS.get(task["kind"])
    return make(task["subject"]) if make else None


def task_page(body: dict[str, Any]) -> dict[str, Any]:
    items = [{**t, "screen": screen(t)} for t in body["items"]]
    return {"late": [t for t in items if t["overdue"]], "todo": [t for t in items if not t["overdue"]],
            "counts": body["counts"], "as_of": body["as_of"], "policy": body["policy"]}
