#include "importers/citation/container.h"

#include <functional>
#include <string>

#include "google/protobuf/text_format.h"
#include "gtest/gtest.h"

namespace healthcontent::importers::citation {
namespace {

struct ContainerCase {
  std::string text;
  std::string expected;  // the Reference in text format, with the Draft's year
  bool strip_numbers = false;
  std::string preset = "";  // the Reference before the call, text format
  int year = 0;             // the Draft's year before the call
};

// Runs `read` on a Draft made from the case and checks the whole Reference.
void Check(const ContainerCase& c, const std::function<void(Draft*)>& read) {
  v1::Reference ref, expected;
  ASSERT_TRUE(google::protobuf::TextFormat::ParseFromString(c.preset, &ref)) << c.preset;
  ASSERT_TRUE(google::protobuf::TextFormat::ParseFromString(c.expected, &expected)) << c.expected;
  Draft d(&ref);
  d.year = c.year;
  read(&d);
  ref.set_year(d.year);
  EXPECT_EQ(ref.ShortDebugString(), expected.ShortDebugString()) << c.text;
}

TEST(ContainerTest, SetContainer) {
  const ContainerCase cases[] = {
      {" International Journal of Molecular Sciences. ",
       R"(container_title: "International Journal of Molecular Sciences")"},
      // A meeting loses its place and date.
      {"Proceedings of Supercomputing '88, Orlando, FL, November 1988",
       R"(container_title: "Proceedings of Supercomputing '88" year: 1988)"},
      // A bare number stays part of the name unless a comma sets it apart.
      {"Advances in Neural Information Processing Systems 7",
       R"(container_title: "Advances in Neural Information Processing Systems 7")", true},
      {"Artificial Intelligence, 19", R"(container_title: "Artificial Intelligence" volume: "19")",
       true},
      {"Handbook of Things, edited by J. Smith and K. Jones",
       R"(container_title: "Handbook of Things" editors: "J. Smith" editors: "K. Jones")"},
      // Pages and year fill only what is still empty.
      {"Proc. of the Workshop on X, pp. 628-634, 1992",
       R"(container_title: "Proc. of the Workshop on X" pages: "1-2" year: 1990)", false,
       R"(pages: "1-2")", 1990},
  };
  for (const ContainerCase& c : cases) {
    Check(c, [&](Draft* d) { SetContainer(c.text, c.strip_numbers, d); });
  }
}

TEST(ContainerTest, ReadInPart) {
  const ContainerCase cases[] = {
      {"In: Janower ML, Linton OW, eds. Radiation Risk: a Primer",
       R"(editors: "Janower ML" editors: "Linton OW" container_title: "Radiation Risk: a Primer")"},
      {"In Life, Death, and Entertainment, edited by David S. Potter, 256-326",
       R"(editors: "David S. Potter" container_title: "Life, Death, and Entertainment")"},
      {"In Handbook of labor economics (Vol. 3, Part A, pp. 1761\xE2\x80\x93"
       "1800)",
       R"(container_title: "Handbook of labor economics" volume: "3"
          pages: "1761\xE2\x80\x931800")"},
  };
  for (const ContainerCase& c : cases) {
    Check(c, [&](Draft* d) { ReadInPart(c.text, d); });
  }
}

}  // namespace
}  // namespace healthcontent::importers::citation
