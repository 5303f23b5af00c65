"""Transfers handed over between agencies, and moves to a central body reported to DOHA (QĐ 6187/QĐ-UBND Điều 12).

- The sending agency proposes (`POST /api/v1/transfers`) with the decision and its scan; the person's record
  cannot take other changes while the proposal is open, and a proposal waits until the person's open change
  requests are decided, so nothing of theirs is left in the sender's approval queue.
- Until the receiver accepts, the record stays the sender's: the receiver sees only the proposal (the person's
  name and date of birth, the decision) — never the record.
- Acceptance moves, in one transaction: the record (a new version, reason `transferred`, announced in the
  outbox under the receiver's unit, synced in the receiver's batch), its history (which follows the record),
  the assignment history and the person's accounts, whose roles other than `officer` (held at the sender) are
  dropped, each drop recorded as an access change resting on the transfer's decision. From that moment the
  sender's subtree no longer covers the record; the person has a re-check task (`tasks`).
- Refusal (with its reason) and cancellation move nothing.
- An approved move out of the province to a central body (a lifecycle `transfer_out` naming
  `to_central_body`) is reported here for DOHA (`reported`), who records the national hand-over.

Who sees a transfer: anyone whose subtree covers its sending or receiving unit; each action checks the side
it belongs to. The acceptance deadline is the policy's (`transfer_accept_due`)."""
