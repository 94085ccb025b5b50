#!/usr/bin/python3
"""Makes spa_reference.csv: the Sun's topocentric position at random places and times, computed by
an implementation independent of SPA (astropy 5.2 over ERFA, the IAU SOFA library's C port:
IAU 2006/2000A precession-nutation, the full annual aberration and light deflection, polar motion
and UT1 from the IERS Bulletin B table astropy ships). A development tool, run once; the committed
CSV is what the tests read (src/analysis/sun/spa_test.cc), so neither the tests nor the build need
Python.

    apt-get install python3-astropy
    /usr/bin/python3 tests/data/sun/make_reference.py > tests/data/sun/spa_reference.csv

Columns: unix (UTC seconds), latitude_deg, longitude_deg, elevation_m (WGS84 height), delta_ut1_s
(UT1 - UTC from the IERS table) and delta_t_s (TT - UT1) as astropy computes them for that
instant, to be passed to SPA, zenith_deg and
azimuth_deg (topocentric, no refraction: pressure 0; azimuth from north, eastward).
Times are drawn from 1962-2022, the span of astropy's bundled IERS table (no downloads).
"""
import random
import sys

import astropy.units as u
from astropy.coordinates import AltAz, EarthLocation, get_sun
from astropy.time import Time
from astropy.utils import iers

iers.conf.auto_download = False
iers.conf.auto_max_age = None

rng = random.Random(20031017)
lo = Time("1962-01-20T00:00:00", scale="utc").unix
hi = Time("2022-12-31T00:00:00", scale="utc").unix
rows = []
for _ in range(200):
    unix = round(rng.uniform(lo, hi), 3)
    lat = round(rng.uniform(-89.9, 89.9), 6)
    lon = round(rng.uniform(-180.0, 180.0), 6)
    elev = round(rng.uniform(0.0, 3000.0), 1)
    rows.append((unix, lat, lon, elev))

times = Time([r[0] for r in rows], format="unix", scale="utc")
times.delta_ut1_utc = times.get_delta_ut1_utc(iers.IERS_B.open())
loc = EarthLocation.from_geodetic(
    lon=[r[2] for r in rows] * u.deg, lat=[r[1] for r in rows] * u.deg,
    height=[r[3] for r in rows] * u.m)
frame = AltAz(obstime=times, location=loc, pressure=0 * u.hPa)
altaz = get_sun(times).transform_to(frame)
dut1 = times.delta_ut1_utc
delta_t = (times.tt.jd1 - times.ut1.jd1) * 86400.0 + (times.tt.jd2 - times.ut1.jd2) * 86400.0

out = sys.stdout
out.write("# made by tests/data/sun/make_reference.py with astropy %s (ERFA)\n"
          % __import__("astropy").__version__)
out.write("unix,latitude_deg,longitude_deg,elevation_m,delta_ut1_s,delta_t_s,zenith_deg,azimuth_deg\n")
for r, d1, dt, alt, az in zip(rows, dut1, delta_t, altaz.alt.deg, altaz.az.deg):
    out.write("%.3f,%.6f,%.6f,%.1f,%.5f,%.4f,%.7f,%.7f\n"
              % (r[0], r[1], r[2], r[3], d1, dt, 90.0 - alt, az))
