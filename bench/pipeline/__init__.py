"""`make bench` (part): the sync pipeline, released outbox rows → packed → delivered to ndxp-sim →
acknowledged, beside the database server's raw COPY and commit rates measured in the same run.

- bulk: BENCH_PIPELINE_RECORDS (10,000) outbox rows of the demo province, seeded in approved sync
  batches but unreleased; with every process up and idle, all are released in one UPDATE +
  `pg_notify('hoso_outbox')` and the clock runs until every row's `packet_records.status` is decided
  (polled every 50 ms). Goal ≥ 5,000 records/s.
- singles: then, with the pipeline idle, BENCH_PIPELINE_SINGLES (50) changes one at a time: a new
  outbox row (an existing profile's version 1, in its agency's approved batch) released and notified
  in one transaction, timed from just before that transaction to its record's `accepted` (polled every
  5 ms). Goal p99 < 1 s.
- raw baselines, on the same database before the gateway starts: `COPY` (asyncpg
  `copy_records_to_table`) of BENCH_PIPELINE_COPY_ROWS (200,000) rows of (bigint, ~200 B text, jsonb)
  into an ordinary table → rows/s; BENCH_PIPELINE_COMMITS (1,000) sequential single-row INSERT +
  COMMIT transactions on one connection → commits/s.

The processes are those of tests/e2e/test_sync_pipeline.py without its faults: ndxp-sim (receipt
delay 0), a sync-gateway web process (builder, no delivery workers) and two `python -m
sync_gateway.worker` processes (builder + 2 delivery workers each), polling only every second so a
wake-up is LISTEN/NOTIFY's. Nothing is asserted: the figures are printed and written to
bench/results/<UTC timestamp>-pipeline.json.

One change goes through first, untimed (first-use costs: tokens, key fetches). The bulk is given up
on after BENCH_PIPELINE_STALL (60) s without progress or BENCH_PIPELINE_TIMEOUT (900) s in all, and
reported as incomplete.

Run: `python -m bench.pipeline`. Env as above, DATABASE_URL (else a throwaway embedded PostgreSQL —
fsync off: its commits cost no disk flush).
"""
