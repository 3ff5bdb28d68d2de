"""Which bucket of an experiment a user falls into: a pure function of the experiment's
`bucketing_seed`, the user id and the buckets' `bucket_range`s (no store, no Flask), so a
service team can compute it themselves:

    slot = int.from_bytes(sha256(f"{bucketing_seed}:{user_id}".encode("utf-8")).digest()[:8], "big") % 100

and the bucket is the one whose inclusive range `"start-end"` holds the slot. The same user
gets the same slot in every process and run; a ratio change moves only the users whose slot
changed owner."""

import hashlib
from collections.abc import Iterable
from typing import TypeVar

from . import assumptions
from .validation import bucket_range

Bucket = TypeVar("Bucket")


def slot(bucketing_seed: str, user_id: str) -> int:
    """The user's slot, 0 to BUCKET_SLOTS - 1 (see the module's docstring)."""
    digest = hashlib.sha256(f"{bucketing_seed}:{user_id}".encode("utf-8", "surrogatepass")).digest()
    return int.from_bytes(digest[:8], "big") % assumptions.BUCKET_SLOTS


def owner(buckets: Iterable[tuple[str, Bucket]], user_slot: int) -> Bucket | None:
    """The bucket whose range (`"start-end"`, inclusive; "" unset) holds `user_slot`, from
    (range, bucket) pairs; None when no range holds it (the ranges are unset)."""
    for text, bucket in buckets:
        span = bucket_range(text, "bucket_range")
        if span is not None and span[0] <= user_slot <= span[1]:
            return bucket
    return None
