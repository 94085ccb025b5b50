#include "archive/archive_catalog.h"
#include "archive/archive_conformance.h"

namespace sightline::archive {
namespace {

INSTANTIATE_TEST_SUITE_P(Postgres, ArchiveConformance, ::testing::Values("postgres"));

}  // namespace
}  // namespace sightline::archive
