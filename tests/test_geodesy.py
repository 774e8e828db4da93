import pytest
from shapely.geometry import Point, Polygon

from webmap.geo.geodesy import GEOD, distance_km, nearest, range_ring


def test_distance_minsk_warsaw():
    # Minsk and Warsaw city centres are about 476 km apart on the ellipsoid.
    assert distance_km(27.5615, 53.9045, 21.0122, 52.2297) == pytest.approx(476.7, abs=1)


@pytest.mark.parametrize(
    ("lon", "lat", "km"),
    [
        (21.5, 54.7, 500),  # Iskander from Kaliningrad
        (31.7151, 53.7125, 5500),  # Oreshnik from Krychaw: reaches over the North Pole
        (178.0, 65.0, 1000),  # Chukotka: crosses the antimeridian
        (-179.0, -80.0, 1500),  # Antarctica: around the South Pole
    ],
)
def test_ring_points_lie_at_the_range_and_draw_as_one_shape(lon, lat, km):
    ring = range_ring(lon, lat, km)
    assert ring[0] == ring[-1]
    points = [p for p in ring if abs(p[1]) < 90]
    distances = [GEOD.inv(lon, lat, x, y)[2] / 1000 for x, y in points]
    assert max(abs(d - km) for d in distances) < 0.5
    steps = [
        abs(b[0] - a[0])
        for a, b in zip(ring, ring[1:], strict=False)
        if abs(a[1]) < 90 and abs(b[1]) < 90
    ]
    assert max(steps) < 30  # no jump across the map at the antimeridian
    polygon = Polygon(ring)
    assert polygon.is_valid and polygon.contains(Point(lon, lat))


def test_a_ring_around_a_pole_covers_the_pole():
    north = Polygon(range_ring(31.7151, 53.7125, 5500))
    # The ring's longitudes run once around the globe, centred on its point.
    assert north.contains(Point(31.7, 89.0)) and north.contains(Point(-140.0, 88.0))
    assert north.contains(Point(200.0, 88.0))
    small = Polygon(range_ring(21.5, 54.7, 500))
    assert not small.contains(Point(21.5, 89.0))


def test_nearest_sorts_and_limits():
    places = [
        ("Warsaw", 21.0122, 52.2297),
        ("Vilnius", 25.2797, 54.6872),
        ("Moscow", 37.6173, 55.7558),
    ]
    found = nearest(27.5615, 53.9045, places, within_km=500)
    assert [name for name, _ in found] == ["Vilnius", "Warsaw"]
