"""One collector per kind of task and the registry (`KINDS`) that says who has each: see the package
docstring. A collector gets the request (`Ask`) and its `Kind`, counts every task of its kind in the
database and lists at most `ask.limit` of them, most urgent first. Every deadline is the policy's."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared.auth import Principal, Role
from hoso_shared.deadlines import DeadlinePolicy
from hoso_shared.time import Calendar, local_day, local_midnight
from profile_api.reports.reviews.quarters import Quarter
from profile_api.tasks import queries as q
from profile_api.tasks.schemas import Service, Subject, Task, TaskKind, Window

NOTE_CHARS = 500


@dataclass(frozen=True)
class Ask:
    """Who asks, on which day, under which policy and calendar, for how many tasks per kind."""

    session: AsyncSession
    principal: Principal
    policy: DeadlinePolicy
    days: Calendar
    now: datetime
    today: date
    limit: int

    def quarters(self) -> tuple[Quarter, Quarter]:
        """(the previous quarter, the current one): the reviews still owed."""
        current = Quarter.containing(self.today)
        previous = Quarter(current.year, current.number - 1) if current.number > 1 else Quarter(current.year - 1, 4)
        return previous, current

    def review_late(self, quarter: Quarter) -> bool:
        return self.policy.review_late(quarter.year, quarter.number, self.today)

    def review_due(self, quarter: Quarter) -> date:
        return self.policy.review_due(quarter.year, quarter.number)


@dataclass(frozen=True)
class Found:
    total: int  # every task of the kind (counted in SQL)
    overdue: int
    tasks: list[Task]  # at most `Ask.limit` of them, most urgent first


NOTHING = Found(0, 0, [])
Collector = Callable[[Ask, "Kind"], Awaitable[Found]]


@dataclass(frozen=True)
class Kind:
    code: TaskKind
    label: str  # the badge's label, Vietnamese
    basis: str  # the regulation's clause (QĐ 6187/QĐ-UBND)
    service: Service  # the API that serves the tasks' links and `list_link`
    roles: frozenset[str]  # the regulation gives the duty to these roles …
    scopes: tuple[str, ...]  # … and acting on it needs one of these scopes
    collect: Collector
    list_link: Callable[[Ask], str | None]  # an API path listing them beyond the limit, if one exists

    def concerns(self, principal: Principal) -> bool:
        """Decided from the token alone, before any lookup."""
        return bool(self.roles & principal.roles) and any(principal.has_scopes(s) for s in self.scopes)

    def task(self, *, title: str, subject: Subject, link: str, due_on: date | None = None, overdue: bool = False,
             since: date | None = None, quantity: int | None = None, note: str | None = None,
             window: Window | None = None) -> Task:
        return Task(kind=self.code, title=title, basis=self.basis, due_on=due_on, overdue=overdue, since=since,
                    quantity=quantity, note=note[:NOTE_CHARS] if note else None, subject=subject,
                    service=self.service, link=link, window=window)


def _subject(row: Any, **about: Any) -> Subject:
    """The subject of a task read with `queries.UNIT`'s columns; `about` names what else it concerns."""
    return _unit_subject(row.unit_id, row.unit_code, row.unit_name, **about)


def _unit_subject(unit_id: Any, code: str, name: str, **about: Any) -> Subject:
    values: dict[str, Any] = {"profile_id": None, "person_name": None, "change_request_id": None,
                              "sync_batch_id": None, "packet_id": None, "review_id": None, "quarter": None,
                              "period": None, "transfer_id": None, "rule_code": None, **about}
    return Subject(org_unit_id=unit_id, org_unit_code=code, org_unit_name=name, **values)


def _window(ask: Ask, unit_path: str, open_windows: list[tuple[str, datetime]]) -> Window:
    monthly = ask.policy.approval_window(ask.today)
    extraordinary = max((closes for path, closes in open_windows if unit_path.startswith(path)), default=None)
    return Window(opens_on=monthly[0] if monthly else None, closes_on=monthly[1] if monthly else None,
                  open_now=ask.policy.in_approval_window(ask.today) or extraordinary is not None,
                  extraordinary_closes_at=extraordinary)


def _vi_quarter(quarter: Quarter) -> str:
    return f"quý {quarter.number}/{quarter.year}"


def _vi_month(period: str) -> str:
    year, month = period.split("-")
    return f"tháng {month}/{year}"


# The collectors, one per kind


async def fix_returned_request(ask: Ask, kind: Kind) -> Found:
    """Điều 6 khoản 3, Điều 16 khoản 2: the requester corrects and resubmits (or withdraws) a returned
    request. The regulation sets no deadline for it."""
    total, overdue = await q.tally(ask.session, q.returned_requests(ask.principal, *q.counts()))
    rows = await q.listed(ask.session, q.returned_requests(ask.principal, *q.RETURNED).order_by(*q.RETURNED_ORDER),
                          ask.limit)
    return Found(total, overdue, [kind.task(
        title=f"Sửa và gửi lại yêu cầu thay đổi hồ sơ của {r.full_name} đã bị trả lại",
        subject=_subject(r, profile_id=r.profile_id, person_name=r.full_name, change_request_id=r.id),
        link=f"/api/v1/change-requests/{r.id}", since=local_day(r.updated_at),
        note=r.national_reason or r.return_reason) for r in rows])


async def decide_change_request(ask: Ask, kind: Kind) -> Found:
    """Điều 7: the unit's approvers decide, in the last 5 days of the month, what its people submitted
    (NĐ 27/2026: within 3 working days). Due: `request_due`; overdue: `request_overdue`."""
    policy, days, today = ask.policy, ask.days, ask.today
    cut = policy.overdue_submitted_before(today, days)
    late = q.submitted_before(local_midnight(cut) if cut is not None else None)
    total, overdue = await q.tally(ask.session, q.waiting_requests(ask.principal, *q.counts(late)))
    rows = await q.listed(ask.session, q.waiting_requests(ask.principal, *q.WAITING).order_by(*q.WAITING_ORDER),
                          ask.limit)
    windows = await q.open_windows(ask.session, ask.now) if rows else []
    tasks = []
    for r in rows:
        submitted = local_day(r.submitted_at) if r.submitted_at is not None else None
        tasks.append(kind.task(
            title=f"Xem xét, phê duyệt yêu cầu thay đổi hồ sơ của {r.full_name}",
            subject=_subject(r, profile_id=r.profile_id, person_name=r.full_name, change_request_id=r.id),
            link=f"/api/v1/change-requests/{r.id}", since=submitted,
            due_on=policy.request_due(submitted, days) if submitted else None,
            overdue=policy.request_overdue(submitted, today, days) if submitted else False,
            window=_window(ask, r.path, windows)))
    return Found(total, overdue, tasks)


async def create_incoming_account(ask: Ask, kind: Kind) -> Found:
    """Điều 12 khoản 2.2 điểm a: the receiving unit creates the personal account of a person who came in
    within 10 working days of the handover. Due: `account_due`."""
    policy, days, today = ask.policy, ask.days, ask.today
    late = q.arrived_by(policy.latest_overdue_arrival(today, days))
    total, overdue = await q.tally(ask.session, q.incoming_without_account(ask.principal, *q.counts(late)))
    rows = await q.listed(ask.session, q.incoming_without_account(ask.principal, *q.INCOMING)
                          .order_by(*q.INCOMING_ORDER), ask.limit)
    tasks = []
    for r in rows:
        due = policy.account_due(r.incoming_on, days)
        tasks.append(kind.task(
            title=f"Tạo tài khoản cá nhân cho {r.full_name}, được tiếp nhận ngày {r.incoming_on:%d/%m/%Y}",
            subject=_subject(r, profile_id=r.id, person_name=r.full_name), link="/api/v1/accounts",
            since=r.incoming_on, due_on=due, overdue=today > due))
    return Found(total, overdue, tasks)


async def accept_transfer(ask: Ask, kind: Kind) -> Found:
    """Điều 12 khoản 1 điểm a: the receiving agency takes over the record and account of a person another agency
    moves to it. Due: `transfer_accept_due` of the proposal's day."""
    policy, days, today = ask.policy, ask.days, ask.today
    late = q.proposed_before(local_midnight(policy.latest_overdue_transfer(today, days) + timedelta(days=1)))
    total, overdue = await q.tally(ask.session, q.incoming_transfers(ask.principal, *q.counts(late)))
    rows = await q.listed(ask.session, q.incoming_transfers(ask.principal, *q.TRANSFERS)
                          .order_by(*q.TRANSFERS_ORDER), ask.limit)
    tasks = []
    for r in rows:
        due = policy.transfer_accept_due(local_day(r.created_at), days)
        tasks.append(kind.task(
            title=f"Tiếp nhận hồ sơ, tài khoản của {r.full_name} được điều chuyển đến",
            subject=_subject(r, profile_id=r.profile_id, person_name=r.full_name, transfer_id=r.id),
            link=f"/api/v1/transfers/{r.id}", since=local_day(r.created_at), due_on=due, overdue=today > due,
            note=r.comment))
    return Found(total, overdue, tasks)


async def recheck_after_move(ask: Ask, kind: Kind) -> Found:
    """Điều 12 khoản 1 điểm b, khoản 2.2 điểm c: after a move (or arriving from outside the city) the person checks
    their record and updates it as Điều 6 asks. Due: `recheck_due` of the move's day; done by "I have checked my
    record" (POST /api/v1/profiles/{id}/review)."""
    found = await q.unchecked_move(ask.session, ask.principal)
    if found is None:
        return NOTHING
    arrived = found.reason not in q.MOVES and found.incoming_on is not None  # the day of the hand-over, recorded
    moved = found.incoming_on if arrived else local_day(found.created_at)
    due = ask.policy.recheck_due(moved, ask.days)
    task = kind.task(title="Kiểm tra thông tin hồ sơ của mình tại đơn vị mới và xác nhận đã kiểm tra",
                     subject=_subject(found, profile_id=found.id, person_name=found.full_name),
                     link=f"/api/v1/profiles/{found.id}/review", since=moved, due_on=due, overdue=ask.today > due)
    return Found(1, int(task.overdue), [task] if ask.limit > 0 else [])


async def hand_over_nationally(ask: Ask, kind: Kind) -> Found:
    """Điều 12 khoản 2.1 điểm b: a person moved to a body of the national database; the agency reported it and
    DOHA hands the data over nationally. The regulation sets no deadline."""
    total, overdue = await q.tally(ask.session, q.central_reports(ask.principal, *q.counts()))
    rows = await q.listed(ask.session, q.central_reports(ask.principal, *q.REPORTED).order_by(*q.TRANSFERS_ORDER),
                          ask.limit)
    return Found(total, overdue, [kind.task(
        title=f"Chuyển giao dữ liệu của {r.full_name} về Cơ sở dữ liệu quốc gia ({r.destination})",
        subject=_subject(r, profile_id=r.profile_id, person_name=r.full_name, transfer_id=r.id),
        link=f"/api/v1/transfers/{r.id}/hand-over", since=local_day(r.created_at)) for r in rows])


async def submit_sync_batch(ask: Ask, kind: Kind) -> Found:
    """Điều 14 khoản 1, Điều 15: in the last 5 days of each month the agency (its agency account; for
    units without one, the parent) syncs the month's approved changes. A task while approved changes are
    in no batch and no batch of the unit awaits DOHA. Due: `sync_due` of the oldest of them."""
    unit = await q.own_unit(ask.session, ask.principal)
    if (unit is None or not await q.has_agency_account(ask.session, unit.id)
            or await q.has_open_batch(ask.session, unit.id)):
        return NOTHING
    waiting, oldest = await q.unbatched(ask.session, unit.id, unit.path)
    if waiting == 0 or oldest is None:
        return NOTHING
    appended = local_day(oldest)
    overdue = ask.policy.sync_overdue(appended, ask.today, ask.days)
    period = f"{ask.today:%Y-%m}"
    task = kind.task(
        title=f"Gửi đồng bộ dữ liệu {_vi_month(period)} về Cơ sở dữ liệu quốc gia ({waiting} thay đổi đã phê duyệt)",
        subject=_unit_subject(unit.id, unit.code, unit.name, period=period),
        link="/api/v1/sync-batches", since=appended, quantity=waiting, overdue=overdue,
        due_on=ask.policy.sync_due(appended, ask.days),
        window=_window(ask, unit.path, await q.open_windows(ask.session, ask.now)))
    return Found(1, int(overdue), [task] if ask.limit > 0 else [])


async def sign_quarterly_review(ask: Ask, kind: Kind) -> Found:
    """Điều 21 khoản 6: by the 25th of each quarter's last month (before 31 December) the unit reviews its
    data and signs the report: the agency admin prepares it, the unit's own approver signs and submits.
    The current quarter's, and the previous one's while it is still owed. Due: `review_due`."""
    unit = await q.own_unit(ask.session, ask.principal)
    if unit is None or not await q.has_agency_account(ask.session, unit.id):
        return NOTHING
    quarters = [qr for qr in ask.quarters() if unit.valid_to is None or unit.valid_to > qr.first_day]
    reviews = await q.reviews_of(ask.session, unit.id, [str(qr) for qr in quarters])
    submitted = {r.quarter for r in reviews if r.state == "submitted"}
    drafts: dict[str, Any] = {}
    for r in reviews:
        if r.state == "draft":
            drafts.setdefault(r.quarter, r.id)
    signs = Role.approver.value in ask.principal.roles
    owed = [qr for qr in quarters if str(qr) not in submitted]
    tasks = []
    for quarter in owed:
        draft = drafts.get(str(quarter))
        title = (f"Ký số và nộp báo cáo rà soát dữ liệu {_vi_quarter(quarter)}" if signs else
                 f"Lập báo cáo rà soát dữ liệu {_vi_quarter(quarter)} và trình người có thẩm quyền ký số")
        tasks.append(kind.task(
            title=title, link=f"/api/v1/reports/reviews/{draft}" if draft else "/api/v1/reports/reviews",
            subject=_unit_subject(unit.id, unit.code, unit.name, review_id=draft, quarter=str(quarter)),
            since=quarter.first_day, due_on=ask.review_due(quarter), overdue=ask.review_late(quarter)))
    overdue = sum(t.overdue for t in tasks)
    return Found(len(tasks), overdue, tasks[:ask.limit])


async def approve_sync_batch(ask: Ask, kind: Kind) -> Found:
    """Điều 14 khoản 2: DOHA approves the data units send for sync. The regulation sets no deadline."""
    total, overdue = await q.tally(ask.session, q.submitted_batches(ask.principal, *q.counts()))
    rows = await q.listed(ask.session, q.submitted_batches(ask.principal, *q.BATCHES).order_by(*q.BATCHES_ORDER),
                          ask.limit)
    return Found(total, overdue, [kind.task(
        title=f"Phê duyệt dữ liệu đồng bộ {_vi_month(r.period)} của {r.unit_name} ({r.record_count} thay đổi)",
        subject=_subject(r, sync_batch_id=r.id, period=r.period), link=f"/api/v1/sync-batches/{r.id}",
        since=local_day(r.created_at), quantity=r.record_count) for r in rows])


async def replay_dead_letter(ask: Ask, kind: Kind) -> Found:
    """Điều 13, Điều 19 khoản 1: DOHA keeps the connection to the national database working; a packet the
    national side never took (a dead letter) waits for an operator to send it again. No deadline is set."""
    total, overdue = await q.tally(ask.session, q.dead_packets(ask.principal, *q.counts()))
    rows = await q.listed(ask.session, q.dead_packets(ask.principal, *q.DEAD).order_by(*q.DEAD_ORDER), ask.limit)
    return Found(total, overdue, [kind.task(
        title=f"Xử lý gói tin số {r.sequence} của {r.unit_name} gửi không thành công",
        subject=_subject(r, packet_id=r.id), link=f"/api/v1/packets/{r.id}", since=local_day(r.created_at),
        quantity=r.record_count, note=r.last_error) for r in rows])


async def chase_late_review(ask: Ask, kind: Kind) -> Found:
    """Điều 19 khoản 6, Điều 21 khoản 6: DOHA follows up the units whose quarterly review is past its due
    day and not submitted (the previous quarter's, and the current one's once its day has passed)."""
    total = 0
    tasks: list[Task] = []
    for quarter in (qr for qr in ask.quarters() if ask.review_late(qr)):
        counted, _ = await q.tally(ask.session, q.unreviewed_units(ask.principal, str(quarter), quarter.first_day,
                                                                   *q.counts()))
        total += counted
        rows = await q.listed(ask.session, q.unreviewed_units(ask.principal, str(quarter), quarter.first_day, *q.UNIT)
                              .order_by(*q.UNREVIEWED_ORDER), ask.limit - len(tasks))
        tasks += [kind.task(
            title=f"Đôn đốc {r.unit_name} nộp báo cáo rà soát dữ liệu {_vi_quarter(quarter)} (đã quá hạn)",
            subject=_subject(r, quarter=str(quarter)), link=f"/api/v1/reports/reviews?quarter={quarter}",
            since=quarter.first_day, due_on=ask.review_due(quarter), overdue=True) for r in rows]
    return Found(total, total, tasks)


async def fix_record(ask: Ask, kind: Kind) -> Found:
    """Issue 16: HR asked the person to fix what a data-quality rule finds in their record (POST
    /api/v1/quality/fix-requests); due as a self-update (Điều 6 khoản 1), open until the rule no longer fails."""
    if ask.principal.profile_id is None:
        return NOTHING
    late = q.fix_due_before(ask.today)
    total, overdue = await q.tally(ask.session, q.fix_requests(ask.principal, *q.counts(late)))
    rows = await q.listed(ask.session, q.fix_requests(ask.principal, *q.FIXES).order_by(*q.FIXES_ORDER), ask.limit)
    return Found(total, overdue, [kind.task(
        title=f"Cập nhật hồ sơ theo đề nghị của cơ quan: {r.message}",
        subject=_subject(r, profile_id=r.profile_id, person_name=r.full_name, rule_code=r.rule_code),
        link=f"/api/v1/profiles/{r.profile_id}/quality", since=local_day(r.requested_at), due_on=r.due_on,
        overdue=ask.today > r.due_on) for r in rows])


def _latest_late_roster(ask: Ask) -> str | None:
    """The roster of the latest quarter whose review is past due (the previous quarter's always is)."""
    late = [qr for qr in ask.quarters() if ask.review_late(qr)]
    return f"/api/v1/reports/reviews?quarter={late[-1]}" if late else None


def _static(path: str | None) -> Callable[[Ask], str | None]:
    return lambda ask: path


DOHA, AGENCY, APPROVER, OFFICER = (frozenset({Role.doha_admin.value}), frozenset({Role.agency_admin.value}),
                                   frozenset({Role.approver.value}), frozenset({Role.officer.value}))
ANYONE = frozenset(r.value for r in Role)

# The registry: who has each kind (roles and scopes, from the token), in the order the badge shows them.
# A new kind is a TaskKind member, a collector above (its statements in queries.py) and one line here.
KINDS: tuple[Kind, ...] = (
    Kind(TaskKind.fix_returned_request, "Yêu cầu thay đổi bị trả lại", "Điều 6 khoản 3; Điều 16 khoản 2",
         "approval-api", ANYONE, ("change-requests:write", "change-requests:write:self"), fix_returned_request,
         _static("/api/v1/change-requests?state=returned")),
    Kind(TaskKind.decide_change_request, "Yêu cầu thay đổi chờ phê duyệt", "Điều 7", "approval-api", APPROVER,
         ("change-requests:decide",), decide_change_request, _static("/api/v1/change-requests?state=submitted")),
    Kind(TaskKind.recheck_after_move, "Kiểm tra hồ sơ sau khi chuyển công tác",
         "Điều 12 khoản 1 điểm b; khoản 2.2 điểm c", "profile-api", OFFICER, ("change-requests:write:self",),
         recheck_after_move, _static(None)),
    Kind(TaskKind.fix_record, "Đề nghị cập nhật hồ sơ", "Điều 6 khoản 1", "profile-api", OFFICER,
         ("change-requests:write:self",), fix_record, _static(None)),
    Kind(TaskKind.accept_transfer, "Tiếp nhận cán bộ được điều chuyển đến", "Điều 12 khoản 1 điểm a",
         "profile-api", AGENCY, ("transfers:decide",), accept_transfer,
         _static("/api/v1/transfers?direction=incoming&state=proposed")),
    Kind(TaskKind.create_incoming_account, "Tạo tài khoản cho người được tiếp nhận",
         "Điều 12 khoản 2.2 điểm a", "profile-api", AGENCY, ("accounts:write",), create_incoming_account,
         _static("/api/v1/accounts/overdue-incoming")),
    Kind(TaskKind.submit_sync_batch, "Đồng bộ dữ liệu hằng tháng", "Điều 14 khoản 1; Điều 15", "approval-api",
         AGENCY, ("sync-batches:submit",), submit_sync_batch, _static(None)),
    Kind(TaskKind.sign_quarterly_review, "Báo cáo rà soát hằng quý", "Điều 21 khoản 6", "profile-api",
         AGENCY | APPROVER, ("reports:read", "quality:read"), sign_quarterly_review, _static(None)),
    Kind(TaskKind.approve_sync_batch, "Dữ liệu đồng bộ chờ Sở Nội vụ phê duyệt", "Điều 14 khoản 2", "approval-api",
         DOHA, ("sync-batches:decide",), approve_sync_batch, _static("/api/v1/sync-batches?state=submitted")),
    Kind(TaskKind.replay_dead_letter, "Gói tin gửi không thành công", "Điều 13; Điều 19 khoản 1", "sync-gateway",
         DOHA, ("sync:operate",), replay_dead_letter, _static("/api/v1/packets?state=dead")),
    Kind(TaskKind.hand_over_nationally, "Chuyển giao dữ liệu về Cơ sở dữ liệu quốc gia",
         "Điều 12 khoản 2.1 điểm b", "profile-api", DOHA, ("transfers:national",), hand_over_nationally,
         _static("/api/v1/transfers?state=reported")),
    Kind(TaskKind.chase_late_review, "Đơn vị chậm nộp báo cáo rà soát quý", "Điều 19 khoản 6; Điều 21 khoản 6",
         "profile-api", DOHA, ("reports:read",), chase_late_review, _latest_late_roster),
)
