"""The incident store behind every command: a CSV file (the default) or PostgreSQL.

:func:`geo.store.open.open_store` turns ``--store PATH_OR_URL`` into a store object; the
build gets the store's content from it as CSV bytes (:class:`geo.incidents.store.StoreText`), the
same bytes for a file and for a database, read by the same parser. The database modules
(``pg_*``, ``migrate``, ``roles``, ``transfer``) import psycopg only when a database is used.
"""
