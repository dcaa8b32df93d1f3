"""Turkish observation posts layer: the 12 posts of 2017-2018 and the later ones."""

from __future__ import annotations

from typing import TYPE_CHECKING

from geo import geojson
from layers import style
from layers.clientside import ClientLayer

if TYPE_CHECKING:
    from geo.posts import Post

LAYER_NAME = "Turkish observation posts (approximate)"


def posts_layer(posts: list[Post]) -> ClientLayer:
    """Return the located posts; the popup gives group, dates, status and position basis."""
    features = []
    for post in posts:
        if post.position is None:
            continue
        original = post.group.startswith("Sochi")
        rows = [
            ["Group", post.group],
            ["Established", post.established or "not stated"],
            ["Status", post.status or "no withdrawal recorded in the sources"],
            [
                "Position",
                f"{post.position_basis}: the village the post is named after, not the post itself",
            ],
            ["Position source", post.coord_source],
            ["Notes", post.notes],
        ]
        features.append(
            geojson.feature(
                geojson.point(post.position),
                {
                    "style": style.POST_ORIGINAL if original else style.POST_LATER,
                    "label": post.name,
                    "popup": {"title": f"Turkish observation post: {post.name}", "rows": rows},
                },
            )
        )
    features.sort(key=lambda f: f["properties"]["label"])
    return ClientLayer(geojson.feature_collection(features), builder="points", name=LAYER_NAME)


def unlocated(posts: list[Post]) -> list[str]:
    """Return the names of posts no source locates (said on the map's legend)."""
    return [post.name for post in posts if post.position is None]
