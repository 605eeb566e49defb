#include "synthetic_article.h"

#include <algorithm>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/date.h"
#include "common/resource_name.h"

namespace healthcontent::bench {
namespace {

constexpr const char* kPublishers[] = {
    "Synthetic Health Library",
    "Example Cancer Centre",
    "Demo Community Hospital",
    "Sample Patient Education Service",
};
constexpr const char* kSurnames[] = {
    "Smith", "Garcia",    "Nguyen",   "Okafor", "Kowalski", "Tanaka", "Müller",
    "Rossi", "Johansson", "Haddad",   "Patel",  "Chen",     "Dubois", "Novak",
    "Silva", "Kim",       "Andersen", "Moreau", "Ivanova",  "Mensah",
};
constexpr char kInitials[] = "ABCDEGHJKLMNPRSTW";
constexpr const char* kJournals[] = {
    "Journal of Synthetic Oncology",
    "Example Reviews in Immunology",
    "International Journal of Demonstration Medicine",
    "Clinical Benchmark Reports",
    "Annals of Placeholder Research",
    "Sample Journal of Supportive Care",
    "Translational Test Medicine",
    "Open Journal of Generated Evidence",
};
constexpr const char* kOrganisations[] = {
    "Example National Cancer Institute",
    "Demo Health Service",
    "Sample Medical Society",
    "Placeholder Foundation for Cancer Research",
    "Synthetic Public Health Agency",
    "Example University Hospital",
};

// Bytes the server adds to every stored revision: revision_id, etag,
// publish_time, next_review_date and, when served, review_status.
constexpr int64_t kServerFieldBytes = 90;
// Bytes a reference's server-assigned name ("references/" + 16 hex) adds.
constexpr int64_t kReferenceNameBytes = 29;

template <typename T, size_t N>
const T& Pick(Rng& rng, const T (&items)[N]) {
  return items[UniformIndex(rng, N)];
}

int64_t FieldBytes(int64_t message_bytes) {
  // Tag, length prefix and payload of an embedded message.
  return 1 + (message_bytes < 128 ? 1 : message_bytes < 16384 ? 2 : 3) + message_bytes;
}

std::string Capitalized(std::string text) {
  if (!text.empty()) text[0] = absl::ascii_toupper(static_cast<unsigned char>(text[0]));
  return text;
}

}  // namespace

int ReferencePoolSize(int64_t articles) {
  return static_cast<int>(std::clamp<int64_t>(articles / 8, 64, int64_t{1} << 30));
}

// Writes text from the vocabulary with one random stream.
struct SyntheticArticles::Writer {
  const SyntheticArticles& corpus;
  Rng& rng;

  int Between(int low, int high) {
    return low + static_cast<int>(UniformIndex(rng, static_cast<uint64_t>(high - low + 1)));
  }

  absl::string_view ContentWord() { return Vocabulary()[corpus.word_zipf_.Sample(rng)]; }

  // `count` lower-case words, about one in three a filler word.
  std::string Words(int count) {
    std::string out;
    for (int i = 0; i < count; ++i) {
      if (i > 0) out.push_back(' ');
      const std::vector<absl::string_view>& fillers = FillerWords();
      if (i > 0 && UniformIndex(rng, 100) < 35) {
        absl::StrAppend(&out, fillers[UniformIndex(rng, fillers.size())]);
      } else {
        absl::StrAppend(&out, ContentWord());
      }
    }
    return out;
  }

  std::string Sentence(int min_words, int max_words) {
    return absl::StrCat(Capitalized(Words(Between(min_words, max_words))), ".");
  }

  std::string Sentences(int min_count, int max_count) {
    std::vector<std::string> sentences(Between(min_count, max_count));
    for (std::string& s : sentences) s = Sentence(8, 22);
    return absl::StrJoin(sentences, " ");
  }

  v1::Block Paragraph() {
    v1::Block block;
    v1::Paragraph* paragraph = block.mutable_paragraph();
    if (UniformIndex(rng, 10) == 0) {
      // Running text with a link in it, as pages have.
      paragraph->add_spans()->set_text(absl::StrCat(Sentences(1, 3), " See "));
      v1::Span* link = paragraph->add_spans();
      link->set_text(Words(Between(2, 4)));
      link->set_link_uri(absl::StrCat("https://www.example.org/health/", ContentWord()));
      paragraph->add_spans()->set_text(absl::StrCat(" for more. ", Sentences(1, 2)));
    } else {
      paragraph->add_spans()->set_text(Sentences(2, 5));
    }
    return block;
  }

  v1::Block BulletList() {
    v1::Block block;
    const int items = Between(2, 6);
    for (int i = 0; i < items; ++i) {
      v1::ListItem* item = block.mutable_bullet_list()->add_items();
      if (UniformIndex(rng, 10) < 4) {
        v1::Span* lead = item->add_spans();
        lead->set_text(absl::StrCat(Capitalized(Words(Between(2, 5))), "."));
        lead->set_bold(true);
        item->add_spans()->set_text(absl::StrCat(" ", Sentence(6, 16)));
      } else {
        item->add_spans()->set_text(Sentence(4, 14));
      }
    }
    return block;
  }

  v1::Block AnyBlock() { return UniformIndex(rng, 100) < 65 ? Paragraph() : BulletList(); }

  // Distinct indexes from `zipf`, `count` of them (at most its size).
  std::vector<int> DistinctSample(const ZipfTable& zipf, int count) {
    count = std::min(count, zipf.size());
    std::vector<int> picked;
    while (static_cast<int>(picked.size()) < count) {
      int i = zipf.Sample(rng);
      if (std::find(picked.begin(), picked.end(), i) == picked.end()) picked.push_back(i);
    }
    return picked;
  }
};

SyntheticArticles::SyntheticArticles(uint64_t seed, int reference_pool,
                                     std::vector<v1::TherapyType> therapy_types)
    : seed_(seed),
      reference_pool_(std::max(reference_pool, 1)),
      therapy_types_(std::move(therapy_types)),
      word_zipf_(static_cast<int>(Vocabulary().size())),
      therapy_type_zipf_(static_cast<int>(therapy_types_.size())),
      reference_zipf_(reference_pool_) {
  for (v1::TherapyType& tt : therapy_types_) {
    // Stored revisions carry each therapy type as it stood, without these.
    tt.clear_update_time();
    tt.clear_article_count();
  }
}

v1::Reference SyntheticArticles::PoolReference(int i) const {
  Rng rng(StreamSeed(seed_, static_cast<uint64_t>(i), Stream::kReference));
  Writer w{*this, rng};
  v1::Reference ref;
  if (UniformIndex(rng, 10) < 7) {
    ref.set_kind(v1::Reference::JOURNAL_ARTICLE);
    const int authors = w.Between(1, 3);
    for (int a = 0; a < authors; ++a) {
      ref.add_authors(absl::StrCat(Pick(rng, kSurnames), " ",
                                   std::string(1, kInitials[UniformIndex(rng, 17)]),
                                   std::string(1, kInitials[UniformIndex(rng, 17)])));
    }
    ref.set_et_al(UniformIndex(rng, 2) == 0);
    ref.set_title(Capitalized(w.Words(w.Between(6, 12))));
    ref.set_container_title(Pick(rng, kJournals));
    ref.set_year(2000 + w.Between(0, 25));
    ref.set_volume(absl::StrCat(w.Between(1, 60)));
    ref.set_issue(absl::StrCat(w.Between(1, 12)));
    const int first_page = w.Between(1, 2000);
    ref.set_pages(absl::StrCat(first_page, "-", first_page + w.Between(3, 25)));
    // 10.5555 is the DOI prefix set aside for examples and tests.
    ref.set_doi(absl::StrCat("10.5555/hcbench.", i));
    ref.set_citation(absl::StrCat(ref.authors(0), ref.et_al() ? ", et al. " : ". ", ref.title(),
                                  ". ", ref.container_title(), ". ", ref.year(), ";", ref.volume(),
                                  "(", ref.issue(), "):", ref.pages(), ". doi:", ref.doi(), "."));
  } else {
    ref.set_kind(v1::Reference::WEB_PAGE);
    ref.set_title(Capitalized(w.Words(w.Between(3, 7))));
    ref.set_publisher(Pick(rng, kOrganisations));
    ref.set_url(absl::StrCat("https://www.example.org/health/", w.ContentWord(), "-",
                             w.ContentWord(), "-", i));
    const absl::CivilDay accessed =
        absl::CivilDay(2020, 1, 1) + static_cast<int64_t>(UniformIndex(rng, 6 * 365));
    *ref.mutable_accessed_date() = ToProtoDate(accessed);
    ref.set_citation(absl::StrCat(ref.title(), ". ", ref.publisher(), ". ", ref.url(),
                                  ". Accessed ", FormatIsoDate(accessed), "."));
  }
  return ref;
}

v1::PublishArticleRevisionRequest SyntheticArticles::Revision(int64_t index,
                                                              const std::string& slug, int ordinal,
                                                              absl::CivilDay review_date) const {
  Rng rng(StreamSeed(seed_, static_cast<uint64_t>(index), Stream::kContent));
  Writer w{*this, rng};
  v1::PublishArticleRevisionRequest request;
  v1::Article* a = request.mutable_article();
  const int64_t target_bytes = 4000 + static_cast<int64_t>(UniformIndex(rng, 2001));

  a->set_name(ArticleName(slug));
  const std::vector<absl::string_view>& vocabulary = Vocabulary();
  const std::array<int, 3> name_words = ArticleNameWords(index);
  // The three naming words make the title unique, as the slug is.
  a->set_title(absl::StrCat(Capitalized(std::string(vocabulary[name_words[0]])), " ",
                            vocabulary[name_words[1]], " and ", vocabulary[name_words[2]], ": ",
                            w.Words(w.Between(2, 5))));
  a->set_summary(w.Sentences(1, 2));
  const uint64_t publisher_roll = UniformIndex(rng, 100);
  a->set_publisher(kPublishers[publisher_roll < 60   ? 0
                               : publisher_roll < 85 ? 1
                               : publisher_roll < 95 ? 2
                                                     : 3]);
  a->set_language_code(UniformIndex(rng, 10) == 0 ? "en-GB" : "en");
  if (UniformIndex(rng, 10) < 3) {
    a->set_source_url(absl::StrCat("https://www.example.org/articles/", slug));
  }
  if (UniformIndex(rng, 10) < 2) {
    a->set_license(
        "Contains public sector information licensed under the Open Government "
        "Licence v3.0.");
  }

  // 1-5 therapy types: 35% one, 30% two, 20% three, 10% four, 5% five.
  const uint64_t tt_roll = UniformIndex(rng, 100);
  const int tt_count = therapy_types_.empty() ? 0
                       : tt_roll < 35         ? 1
                       : tt_roll < 65         ? 2
                       : tt_roll < 85         ? 3
                       : tt_roll < 95         ? 4
                                              : 5;
  std::vector<int> tts = w.DistinctSample(therapy_type_zipf_, tt_count);
  std::vector<int> refs = w.DistinctSample(reference_zipf_, w.Between(2, 6));

  const int lead_paragraphs = w.Between(1, 2);
  for (int i = 0; i < lead_paragraphs; ++i) *a->add_lead() = w.Paragraph();

  // Sections until the stored size reaches the target: what the request
  // holds so far, plus what the server adds.
  int64_t estimate = static_cast<int64_t>(a->ByteSizeLong()) + kServerFieldBytes;
  for (int tt : tts) {
    estimate += FieldBytes(static_cast<int64_t>(therapy_types_[tt].ByteSizeLong()));
  }
  for (int r : refs) {
    estimate +=
        FieldBytes(static_cast<int64_t>(PoolReference(r).ByteSizeLong()) + kReferenceNameBytes);
  }
  constexpr int kMaxSections = 12;
  while (a->sections_size() < 2 || (estimate < target_bytes && a->sections_size() < kMaxSections)) {
    v1::Section* section = a->add_sections();
    section->set_heading(Capitalized(w.Words(w.Between(2, 6))));
    int64_t section_bytes = 2 + static_cast<int64_t>(section->heading().size());
    const int blocks = w.Between(1, 4);
    for (int b = 0; b < blocks && (b == 0 || estimate + section_bytes < target_bytes); ++b) {
      *section->add_blocks() = w.AnyBlock();
      section_bytes += FieldBytes(static_cast<int64_t>(section->blocks(b).ByteSizeLong()));
    }
    estimate += FieldBytes(section_bytes);
  }

  // Later revisions: the same article with a few blocks rewritten, now and
  // then a reference swapped or a therapy type added or dropped.
  request.set_change_type(v1::CHANGE_TYPE_CLINICAL_REVIEW);
  request.set_change_summary("First clinical review.");
  if (ordinal > 0) {
    Rng revision_rng(StreamSeed(seed_ ^ (static_cast<uint64_t>(ordinal) * 0x9E3779B97F4A7C15ull),
                                static_cast<uint64_t>(index), Stream::kRevision));
    Writer rw{*this, revision_rng};
    const int changes = rw.Between(1, 3);
    std::string changed_heading;
    for (int c = 0; c < changes; ++c) {
      v1::Section* section =
          a->mutable_sections(static_cast<int>(UniformIndex(revision_rng, a->sections_size())));
      const int b = static_cast<int>(UniformIndex(revision_rng, section->blocks_size()));
      *section->mutable_blocks(b) = rw.AnyBlock();
      changed_heading = section->heading();
    }
    if (UniformIndex(revision_rng, 5) == 0) {
      const int replacement = static_cast<int>(UniformIndex(revision_rng, reference_pool_));
      if (std::find(refs.begin(), refs.end(), replacement) == refs.end()) {
        refs[UniformIndex(revision_rng, refs.size())] = replacement;
      }
    }
    if (UniformIndex(revision_rng, 10) == 0) {
      if (tts.size() > 1) {
        tts.pop_back();
      } else if (!tts.empty() && tts.size() < therapy_types_.size()) {
        for (int attempt = 0; attempt < 64; ++attempt) {
          const int tt = therapy_type_zipf_.Sample(revision_rng);
          if (std::find(tts.begin(), tts.end(), tt) == tts.end()) {
            tts.push_back(tt);
            break;
          }
        }
      }
    }
    const bool editorial = UniformIndex(revision_rng, 5) == 0;
    request.set_change_type(editorial ? v1::CHANGE_TYPE_EDITORIAL
                                      : v1::CHANGE_TYPE_CLINICAL_REVIEW);
    request.set_change_summary(absl::StrCat(editorial ? "Wording updated in \"" : "Reviewed; \"",
                                            changed_heading, "\" revised."));
  }

  for (int tt : tts) a->add_therapy_types()->set_name(therapy_types_[tt].name());
  for (int r : refs) *a->add_references() = PoolReference(r);
  *a->mutable_review_date() = ToProtoDate(review_date);
  return request;
}

}  // namespace healthcontent::bench
