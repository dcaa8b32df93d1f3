"""Pure geometry and data for the Idlib map: places, the M4, the corridor and incidents.

Nothing in this package renders a map or imports folium; see ``layers`` for that.
"""
