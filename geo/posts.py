"""Turkish observation posts in and around Idlib (positions are their villages, not surveyed)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from geo.coords import LonLat
from geo.csvfile import read_rows

if TYPE_CHECKING:
    from pathlib import Path

POST_COLUMNS = ("post_id", "name", "group", "established", "status", "lon", "lat",
                "position_basis", "coord_source", "notes")  # fmt: skip


@dataclass(frozen=True, slots=True)
class Post:
    """An observation post; ``position`` is None where no source locates it."""

    post_id: str
    name: str
    group: str
    established: str
    status: str
    position: LonLat | None
    position_basis: str
    coord_source: str
    notes: str


def load_posts(path: Path) -> list[Post]:
    """Load ``data/observation_posts.csv`` (errors name the file, line and column)."""
    posts = []
    for row in read_rows(path, required_columns=POST_COLUMNS):
        located = bool(row.text("lat", required=False))
        position = (
            LonLat(
                lon=row.number("lon", low=35.0, high=38.0),
                lat=row.number("lat", low=35.0, high=37.0),
            )
            if located
            else None
        )
        posts.append(
            Post(
                post_id=row.text("post_id"),
                name=row.text("name"),
                group=row.text("group"),
                established=row.text("established", required=False),
                status=row.text("status", required=False),
                position=position,
                position_basis=row.text("position_basis", required=False),
                coord_source=row.text("coord_source", required=False),
                notes=row.text("notes", required=False),
            )
        )
    return posts
