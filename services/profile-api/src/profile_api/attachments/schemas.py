from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict

ContentType = Literal["application/pdf", "image/jpeg", "image/png"]


class AttachmentRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    profile_id: uuid.UUID
    filename: str
    content_type: ContentType
    size: int
    sha256: str
    uploaded_by: uuid.UUID
    created_at: datetime


@dataclass(frozen=True)
class Download:
    filename: str
    content_type: str
    content: bytes
