"""Every rule module, imported so its rules register. Add a module here when adding one."""

from hoso_shared.validation.rules import (  # noqa: F401
    citizen_id,
    cleanliness,
    codes,
    completeness,
    dates,
    duplicates,
    evidence,
    liveness,
    places,
    population,
    salary,
)
