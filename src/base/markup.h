// Escaping text for XML and HTML (GPX files, the HTML report).
#ifndef SIGHTLINE_BASE_MARKUP_H_
#define SIGHTLINE_BASE_MARKUP_H_

#include <string>
#include <string_view>

namespace sightline {

// `text` with &, <, >, " and ' replaced by character references, so that it is safe as element
// content and as a quoted attribute value in XML and HTML.
std::string EscapeMarkup(std::string_view text);

}  // namespace sightline

#endif  // SIGHTLINE_BASE_MARKUP_H_
