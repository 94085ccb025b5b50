#include "archive/archive_catalog.h"

#include "archive/archive_conformance.h"

namespace sightline::archive {
namespace {

INSTANTIATE_TEST_SUITE_P(Sqlite, ArchiveConformance, ::testing::Values("sqlite"));

}  // namespace
}  // namespace sightline::archive
