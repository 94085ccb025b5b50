// A shadow map (shadow.h) as GeoJSON and as an equirectangular picture.
//
// GeoJSON (RFC 7946): a FeatureCollection with one Feature "band" whose geometry is a MultiPolygon
// of rectangles (each a run of cells in a row, merged with identical runs in the rows below;
// exterior rings anticlockwise; longitudes -180..180, latitudes -90..90) and properties {"kind":
// "band","cells","area_km2","cell_deg"}, then one Point Feature per shadow at its subsolar point
// ({"kind":"subsolar","shadow":i}).
//
// Picture: one pixel per cell, north up, longitude -180 at the left; night (for the first shadow's
// time) darker than day; a graticule every 10° (brighter every 30°, the equator and the prime
// meridian brightest); cells of one shadow's band but not of all dim orange; the intersection
// bright orange; subsolar points as yellow discs. No coastlines.
//
// Thread safety: pure functions.
#ifndef SIGHTLINE_ANALYSIS_SUN_SHADOW_MAP_OUTPUT_H_
#define SIGHTLINE_ANALYSIS_SUN_SHADOW_MAP_OUTPUT_H_

#include <nlohmann/json.hpp>

#include "analysis/sun/shadow.h"
#include "media/image_writer.h"

namespace sightline::analysis::sun {

nlohmann::ordered_json ShadowMapGeoJson(const ShadowMap& map);
media::Image ShadowMapImage(const ShadowMap& map);

}  // namespace sightline::analysis::sun

#endif  // SIGHTLINE_ANALYSIS_SUN_SHADOW_MAP_OUTPUT_H_
