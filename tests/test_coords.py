from geo.coords import AREA_OF_INTEREST, LonLat, to_latlon


def test_to_latlon_swaps_axis_order() -> None:
    ariha = LonLat(lon=36.60964, lat=35.81374)
    assert to_latlon(ariha) == (35.81374, 36.60964)


def test_area_of_interest_contains_idlib_not_damascus() -> None:
    assert AREA_OF_INTEREST.contains(LonLat(36.634, 35.931))
    assert not AREA_OF_INTEREST.contains(LonLat(36.29, 33.51))
