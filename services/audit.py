"""The audit log: every change a person makes, with who and when."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from models import AuditLog


def record(
    session: Session,
    *,
    now: datetime,
    actor: str,
    action: str,
    entity: str,
    entity_id: object = None,
    actor_id: int | None = None,
    **detail: Any,
) -> None:
    """Add one audit row to the current unit of work (the caller commits)."""
    session.add(
        AuditLog(
            at=now,
            actor_id=actor_id,
            actor_label=actor,
            action=action,
            entity=entity,
            entity_id=None if entity_id is None else str(entity_id),
            detail=json.dumps(detail, ensure_ascii=False, default=str, sort_keys=True),
        )
    )
