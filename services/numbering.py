"""Gap-free yearly numbers (KDL-2026-0007), safe when two people report at the same moment."""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from models import Counter


def next_number(session: Session, name: str) -> int:
    """Increment the counter ``name`` inside the caller's transaction and return its value.

    The UPDATE takes the row's write lock first, so concurrent callers queue instead of both
    reading the same maximum.
    """
    for _ in range(3):
        value = session.scalar(
            update(Counter)
            .where(Counter.name == name)
            .values(value=Counter.value + 1)
            .returning(Counter.value)
        )
        if value is not None:
            return int(value)
        try:
            with session.begin_nested():
                session.add(Counter(name=name, value=1))
            return 1
        except IntegrityError:
            continue  # someone else created it meanwhile: increment theirs
    raise RuntimeError(f"could not take a number from counter {name!r}")
