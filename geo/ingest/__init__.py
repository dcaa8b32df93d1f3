"""Turn the text of a news report into candidate incidents for an analyst to review.

Nothing here adds to the store: :func:`geo.ingest.extract.extract` returns candidates, and
:func:`geo.ingest.candidates.write_candidates` writes them for review.
"""
