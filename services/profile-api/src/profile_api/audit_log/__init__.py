"""Reading the audit log: the auditor's view of who saw and changed what in its subtree, the hash-chain check over
a range, and a person's view of who read the sensitive parts of their own record (issue 21 items 3 and 4)."""
