"""HR asks a person to fix what a data-quality rule found in their record ("Đề nghị cập nhật", issue 16):
`POST /api/v1/quality/fix-requests`. The request becomes a task of the person (`fix_record` in `GET /api/v1/tasks`),
due as a self-update (Điều 6 khoản 1: the policy's `self_update_due`), and closes by itself when the rule no longer
fails on the record (a trigger on the stored verdicts: see `hoso_shared.db.models.fix_requests`).

- `router` → `service.ask_to_fix` → `queries`; the record is read, and judged now, through the quality feature's
  `get_profile_quality` (scoped to the caller's subtree: 404 outside it).
"""
