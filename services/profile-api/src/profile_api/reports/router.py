"""Every report route under /api/v1/reports, one sub-feature per folder."""

from __future__ import annotations

from fastapi import APIRouter

from profile_api.reports.exports.router import router as exports
from profile_api.reports.progress.router import router as progress
from profile_api.reports.reviews.router import router as reviews
from profile_api.reports.statistics.router import router as statistics

router = APIRouter()
for sub in (statistics, exports, reviews, progress):
    router.include_router(sub)
