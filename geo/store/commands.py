"""The ``store`` commands' work and the lines they print (build_map.py only prints them)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from geo.admin import AdminAreas
from geo.places import load_places
from geo.store.migrate import init_store
from geo.store.roles import create_roles, role_names
from geo.store.transfer import pull, push

if TYPE_CHECKING:
    from pathlib import Path

    from geo.store.base import Change, Store
    from geo.store.location import DatabaseLocation

#: Longer values are cut in ``store history`` (the whole row is in the database).
SHOWN_CHARS = 200


def init_lines(location: DatabaseLocation, *, roles: bool) -> list[str]:
    """Create or migrate the store (and its roles); return what to print."""
    version, applied = init_store(location)
    done = f"applied {', '.join(applied)}" if applied else "already up to date"
    lines = [
        f"{location}: incident store in schema {location.schema!r} at version {version} ({done})"
    ]
    if roles:
        lines += [f"  {line}" for line in create_roles(location)]
        reader, analyst = role_names(location)
        lines.append(
            f"  give people a role: GRANT {analyst} TO rima;  GRANT {reader} TO publisher;"
        )
    return lines


def push_lines(
    csv_path: Path, location: DatabaseLocation, *, data_dir: Path, analyst: str
) -> list[str]:
    """Upsert a CSV store into the database; return the counts line."""
    admin = AdminAreas.load(data_dir / "admin")
    places = {place.place_id: place for place in load_places(data_dir / "places.csv")}
    report = push(csv_path, location, admin=admin, places=places, analyst=analyst)
    return [f"{csv_path} → {location}: {report.describe()}"]


def pull_lines(location: DatabaseLocation, out: Path) -> list[str]:
    """Write the database store as a CSV store; return what was written."""
    count = pull(location, out)
    return [f"{location} → {out}: {count:,} incidents"]


def history_lines(store: Store, event_id: str) -> list[str]:
    """Return an incident's recorded changes, oldest first, one block per change."""
    changes = store.history(event_id)
    if not changes:
        return [f"{store.name}: no recorded change of {event_id!r} (is the id right?)"]
    lines = [f"{event_id}: {len(changes)} change(s) in {store.name}"]
    for change in changes:
        lines += describe_change(change)
    return lines


def describe_change(change: Change) -> list[str]:
    """Return one change as lines: when, what, who, then the fields that changed.

    Examples
    --------
    >>> from geo.store.base import Change
    >>> c = Change(5, "SYR-IDL-000017", "UPDATE", "2026-12-01T09:30:00+00:00", "rima",
    ...            "Rima K.", {"injured": "", "notes": "x"}, {"injured": "6", "notes": "x"})
    >>> describe_change(c)
    ['2026-12-01T09:30:00+00:00  UPDATE  by rima (analyst: Rima K.)  change 5', \
"    injured: '' → '6'"]
    """
    who = change.db_user + (f" (analyst: {change.analyst})" if change.analyst else "")
    lines = [f"{change.changed_at}  {change.operation}  by {who}  change {change.change_id}"]
    old, new = change.old or {}, change.new or {}
    fields: list[tuple[str, str | None, str | None]]
    if change.operation == "INSERT":
        fields = [(k, None, v) for k, v in new.items() if v]
    elif change.operation == "DELETE":
        fields = [(k, v, None) for k, v in old.items() if v]
    else:
        fields = [(k, old.get(k, ""), new.get(k, "")) for k in new if old.get(k, "") != new[k]]
    for key, before, after in fields:
        if before is None:
            lines.append(f"    {key}: {_short(after)}")
        elif after is None:
            lines.append(f"    {key}: was {_short(before)}")
        else:
            lines.append(f"    {key}: {_short(before)} → {_short(after)}")
    return lines


def _short(value: str | None) -> str:
    text = value or ""
    if len(text) > SHOWN_CHARS:
        text = text[:SHOWN_CHARS] + f"… ({len(value or ''):,} characters)"
    return repr(text)
