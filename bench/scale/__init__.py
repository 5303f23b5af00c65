"""`make bench-scale`: the province at scale (issue 17), every figure beside a raw baseline taken in the same run.

The province: BENCH_SCALE_PROFILES (or `--profiles N`; default 200,000) people, half of them generated and
inserted directly (the demo's org tree, accounts and generator, as bench.pipeline seeds), each record's version 1
in the outbox in its agency's batch, submitted and awaiting DOHA; the other half through the project's own import
path, `POST /api/v1/bulk/imports`, as one xlsx built from the template profile-api serves (so it follows the
layout, tables included). If that file is refused or fails, that is the figure, and the same people go in 4
smaller files, each timed (valid_only: any the failed import stored already are refused as taken). A DOHA
approver then approves the imported records' `create` requests (`POST /api/v1/change-requests/bulk`, 1,000 a
call, in an extraordinary window DOHA opens) for at most BENCH_SCALE_TIMEOUT, so the reports see approved
records, not pending ones; the table says how many of the province were approved by then.

Then, with every service running as a real process (profile-api and its import worker, approval-api, ndxp-sim,
a sync-gateway web process and two workers) on a throwaway embedded PostgreSQL (or `hoso_bench` on
$DATABASE_URL), one at a time; after the start, the approvals and the sync the run waits until profile-api and
PostgreSQL are quiet again, and times that (their own background work, e.g. judging changed records):

| what | raw baseline (asyncpg, same data) |
|---|---|
| `GET /api/v1/quality/scorecards/{id}`, root and one agency (01.SGD, ~28%) | COPY out of the subtree's profiles |
| `python -m profile_api.quality snapshot` | COPY out of every profile |
| `GET /api/v1/reports/workforce` (root, JSON) | GROUP BY category, rank, sex, birth year |
| `GET /api/v1/bulk/export?format=xlsx` and `csv` (root) | COPY out of every profile |
| the imports (rows/s, POST → job done), the approval of what they stored | COPY in of as many profile rows |
| the sync: DOHA approves the batches through approval-api → every record decided | COPY in of as many rows |
| `GET /api/v1/profiles?limit=1` every 100 ms during the xlsx export and the imports | the same, idle |
| idle CPU of each process over BENCH_SCALE_IDLE (120) s; PostgreSQL's top statements | PostgreSQL before any service |
| RSS of each process after all of it | the same process once ready |
| `GET /api/v1/profiles/{id}` p50, first page of the list p50 | `SELECT` by id, first page by id |

Each operation gets BENCH_SCALE_TIMEOUT (900) s; one that fails or times out is recorded with its error and
the run goes on. Nothing is asserted: the table (what | measured | raw baseline | ratio | goal) is printed and
written to bench/results/<UTC timestamp>-scale.json and .md. A full run takes the best part of an hour while the
scorecard is slow; develop with `--profiles 10000`.
"""
