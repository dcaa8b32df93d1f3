"""Map layers: one module per layer, each turning ``geo`` data into folium elements.

Only this package imports folium.
"""
