"""A Content-Security-Policy for the finished page: only its own inline scripts may run.

Every text on the map is escaped, and this is the second line of defence: should an
escaping bug ever put markup from the data into the page, an injected ``<script>`` or
``onerror=`` attribute would not run, because the policy allows scripts only by the SHA-256
of the page's own inline ``<script>`` elements (no ``'unsafe-inline'``, no
``'unsafe-eval'``). Styles are allowed the same way, by the hashes of the page's ``<style>``
elements (the scripts set styles through the CSSOM, which the policy does not restrict).
Images may come from ``data:``, ``blob:`` and the tile servers the page's tile layers name;
nothing else may load. A ``--cdn`` page lists the CDN origins its ``<script src>`` and
stylesheet links name.

The policy travels in a ``<meta http-equiv>`` element at the top of ``<head>`` (the map is
opened from disk, where there are no response headers), right after the charset
declaration, before any script or style. The page's data travels in JSON blocks
(``<script type="application/json">``), which the browser never runs and the policy does not
hash, so the policy is computed once on the page template and holds for every store filled
into it.
"""

from __future__ import annotations

import base64
import hashlib
import re
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from collections.abc import Iterator

_SRC = re.compile(r"""\ssrc\s*=\s*["'](?P<url>[^"']+)["']""")
_TYPE = re.compile(r"""\stype\s*=\s*["'](?P<type>[^"']*)["']""")
_STYLESHEET = re.compile(r"""<link\b[^>]*\brel=["']stylesheet["'][^>]*>""")
_HREF = re.compile(r"""\shref\s*=\s*["'](?P<url>[^"']+)["']""")
_TILE_URL = re.compile(r"""L\.tileLayer\(\s*["'](?P<url>[^"']+)["']""")
_CHARSET_META = re.compile(r"\s*<meta http-equiv=\"content-type\"[^>]*>", re.IGNORECASE)
_HEAD = re.compile(r"<head(?:\s[^>]*)?>", re.IGNORECASE)
_JS_TYPES = {"", "text/javascript", "application/javascript", "module"}
CSP_MARKER = 'http-equiv="Content-Security-Policy"'


class PolicyError(ValueError):
    """The page cannot carry a policy (no ``<head>``, or it carries one already)."""


def _elements(html: str, tag: str) -> Iterator[tuple[str, str]]:
    """Yield the attribute text and content of every ``<tag …>…</tag>`` of ``html``.

    Found with ``str.find`` (a lazy regular expression takes a third of a second on a
    5 MB page). The content ends at the first ``</tag>``, as the HTML parser ends a script
    or style: the page's scripts escape every ``</`` inside them.

    Examples
    --------
    >>> list(_elements('<script>a()</script><scripts><script src="x.js"></script>', "script"))
    [('', 'a()'), (' src="x.js"', '')]
    """
    opening, closing, pos = f"<{tag}", f"</{tag}>", 0
    while (start := html.find(opening, pos)) >= 0:
        after = start + len(opening)
        if html[after : after + 1] not in {" ", "\t", "\n", "\r", "\f", ">", "/"}:
            pos = after  # another element, e.g. <scripts>
            continue
        end_of_tag = html.find(">", after)
        end = html.find(closing, end_of_tag + 1) if end_of_tag >= 0 else -1
        if end < 0:
            return
        yield html[after:end_of_tag], html[end_of_tag + 1 : end]
        pos = end + len(closing)


def _digest(text: str) -> str:
    # The HTML parser turns CR LF and lone CR into LF before a script sees its text.
    normalised = text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text
    hashed = hashlib.sha256(normalised.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(hashed).decode('ascii')}'"


def _origin(url: str) -> str | None:
    """Return ``scheme://host[:port]`` of an absolute http(s) URL, else None.

    A Leaflet subdomain template (``{s}.tile…``) becomes a wildcard host (``*.tile…``).

    Examples
    --------
    >>> _origin("https://{s}.tile.example.org/{z}/{x}/{y}.png")
    'https://*.tile.example.org'
    >>> _origin("data:image/png;base64,AAAA") is None
    True
    """
    url = re.sub(r"^(https?://)\{s\}\.", r"\1WILDCARD.", url)
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc}".replace("WILDCARD.", "*.")


def _unique(values: list[str]) -> list[str]:
    return list(dict.fromkeys(values))


def policy_for(html: str) -> str:
    r"""Return the policy that lets exactly ``html``'s own scripts, styles and tiles load.

    Examples
    --------
    >>> page = '<head></head><script>go()</script><style>p{}</style>'
    >>> print(policy_for(page).replace("; ", ";\n"))  # doctest: +NORMALIZE_WHITESPACE
    default-src 'none';
    script-src 'sha256-5KYv+PUboo5h+0+YAtGRPbwv5d/QxzHslP4YGnUaxRw=';
    style-src 'sha256-gG2yISYereRMiG2lMXrbiUgi0Ubw9p7QCeWcroOvy9Y=';
    img-src data: blob:;
    base-uri 'none';
    form-action 'none'
    """
    scripts, script_origins = [], []
    for attrs, body in _elements(html, "script"):
        src = _SRC.search(attrs)
        if src is not None:
            origin = _origin(src["url"])
            if origin is not None:
                script_origins.append(origin)
            continue
        kind = _TYPE.search(attrs)
        if kind is None or kind["type"].strip().lower() in _JS_TYPES:
            scripts.append(_digest(body))
    styles = [_digest(body) for _, body in _elements(html, "style")]
    style_origins = []
    for link in _STYLESHEET.finditer(html):
        href = _HREF.search(link.group(0))
        origin = _origin(href["url"]) if href is not None else None
        if origin is not None:
            style_origins.append(origin)
    tiles = [o for o in (_origin(m["url"]) for m in _TILE_URL.finditer(html)) if o is not None]
    directives = [
        ("default-src", ["'none'"]),
        ("script-src", _unique(scripts) + _unique(sorted(script_origins)) or ["'none'"]),
        ("style-src", _unique(styles) + _unique(sorted(style_origins)) or ["'none'"]),
        ("img-src", ["data:", "blob:", *_unique(sorted(tiles))]),
        ("base-uri", ["'none'"]),
        ("form-action", ["'none'"]),
    ]
    return "; ".join(f"{name} {' '.join(values)}" for name, values in directives)


def with_policy(html: str) -> str:
    """Return ``html`` with its Content-Security-Policy first in ``<head>``.

    The page's own ``http-equiv="content-type"`` element is replaced by ``<meta
    charset="utf-8">`` placed just before the policy, so the encoding is still declared
    within the first 1,024 bytes, ahead of the long policy.

    Raises
    ------
    PolicyError
        If the page has no ``<head>`` or already carries a policy.
    """
    if CSP_MARKER in html:
        raise PolicyError("the page already carries a Content-Security-Policy")
    head = _HEAD.search(html)
    if head is None:
        raise PolicyError("the page has no <head> to carry its Content-Security-Policy")
    policy = policy_for(html)  # the policy's own element is not a script: hash before insertion
    start, end = head.span()
    rest = _CHARSET_META.sub("", html[end:], count=1)
    meta = f'\n<meta charset="utf-8">\n<meta {CSP_MARKER} content="{policy}">'
    return html[:start] + head.group(0) + meta + rest
