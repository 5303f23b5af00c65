"""A delivery process of its own: `python -m sync_gateway.worker` runs the builder and delivery loops
with no web server (same settings as the service). Run as many as you like, anywhere."""

from __future__ import annotations

import asyncio
import contextlib
import signal

from prometheus_client import CollectorRegistry, start_http_server

from hoso_shared.crypto import FieldCipher
from hoso_shared.db.engine import create_engine, create_sessionmaker
from hoso_shared.logging import configure_logging
from sync_gateway.metrics import GatewayMetrics
from sync_gateway.runtime import make_runtime, start_loops
from sync_gateway.settings import Settings


async def run(settings: Settings) -> None:
    configure_logging(settings.log_level, json=settings.log_json)
    engine = create_engine(settings.database_url, pool_size=settings.delivery_workers + 3,
                           cipher=FieldCipher.from_settings(settings))
    registry = CollectorRegistry()
    if settings.worker_metrics_port:
        # No web app here: a bare exporter serves this process's delivery metrics to Prometheus.
        start_http_server(settings.worker_metrics_port, registry=registry)
    runtime = make_runtime(settings, create_sessionmaker(engine), GatewayMetrics(registry))
    loops = await start_loops(runtime, workers=settings.delivery_workers)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    try:
        await stop.wait()
    finally:
        await loops.stop()
        await runtime.aclose()
        await engine.dispose()


def main() -> None:
    asyncio.run(run(Settings()))


if __name__ == "__main__":
    main()
