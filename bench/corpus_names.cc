#include "corpus_names.h"

#include <algorithm>
#include <cstdlib>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"

namespace healthcontent::bench {
namespace {

uint64_t SplitMix64(uint64_t x) {
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

constexpr uint64_t kNameMask = (uint64_t{1} << 24) - 1;

// A fixed bijection on 24-bit numbers (xor-shifts and odd multipliers are
// each invertible), so that consecutive articles get unrelated names.
uint64_t PermuteIndex(uint64_t x) {
  x &= kNameMask;
  x ^= x >> 12;
  x = (x * 0x9E3779B1ull) & kNameMask;
  x ^= x >> 11;
  x = (x * 0x85EBCA77ull) & kNameMask;
  x ^= x >> 12;
  return x;
}

const char* const kVocabulary[] = {
    "cancer",      "immune",         "therapy",       "treatment",    "tumor",        "cells",
    "antibody",    "vaccine",        "infusion",      "dosage",       "fatigue",      "nausea",
    "recovery",    "diagnosis",      "prognosis",     "symptoms",     "screening",    "biopsy",
    "oncology",    "lymphoma",       "leukemia",      "melanoma",     "carcinoma",    "sarcoma",
    "myeloma",     "metastasis",     "remission",     "relapse",      "chemotherapy", "radiation",
    "surgery",     "transplant",     "marrow",        "platelet",     "plasma",       "protein",
    "receptor",    "inhibitor",      "checkpoint",    "cytokine",     "interferon",   "interleukin",
    "virus",       "bacteria",       "infection",     "inflammation", "fever",        "rash",
    "swelling",    "pain",           "appetite",      "weight",       "nutrition",    "hydration",
    "exercise",    "sleep",          "anxiety",       "depression",   "support",      "caregiver",
    "clinic",      "hospital",       "nurse",         "physician",    "specialist",   "pharmacist",
    "referral",    "appointment",    "consent",       "trial",        "placebo",      "cohort",
    "outcome",     "survival",       "risk",          "benefit",      "evidence",     "guideline",
    "protocol",    "regimen",        "injection",     "tablet",       "capsule",      "intravenous",
    "oral",        "topical",        "dose",          "schedule",     "cycle",        "course",
    "liver",       "kidney",         "lung",          "heart",        "brain",        "skin",
    "bone",        "blood",          "breast",        "prostate",     "colon",        "pancreas",
    "ovary",       "cervix",         "bladder",       "thyroid",      "stomach",      "throat",
    "mouth",       "lymph",          "gene",          "mutation",     "genome",       "sequencing",
    "marker",      "biomarker",      "enzyme",        "hormone",      "steroid",      "insulin",
    "allergy",     "asthma",         "arthritis",     "diabetes",     "hypertension", "anemia",
    "hepatitis",   "influenza",      "measles",       "pneumonia",    "stroke",       "seizure",
    "migraine",    "dementia",       "tremor",        "numbness",     "dizziness",    "headache",
    "cough",       "wheezing",       "pregnancy",     "fertility",    "infant",       "child",
    "adolescent",  "adult",          "elderly",       "family",       "partner",      "community",
    "diet",        "fiber",          "sugar",         "salt",         "vitamin",      "mineral",
    "calcium",     "iron",           "zinc",          "folate",       "smoking",      "alcohol",
    "obesity",     "pollution",      "sunlight",      "hygiene",      "sanitation",   "vaccination",
    "immunity",    "resistance",     "monitoring",    "followup",     "imaging",      "scan",
    "ultrasound",  "tomography",     "resonance",     "endoscopy",    "mammogram",    "colonoscopy",
    "counseling",  "rehabilitation", "physiotherapy", "palliative",   "hospice",      "comfort",
    "dignity",     "quality",        "wellbeing",     "resilience",   "cost",         "insurance",
    "coverage",    "access",         "equity",        "language",     "literacy",     "education",
    "awareness",   "prevention",     "antigen",       "lymphocyte",   "macrophage",   "neutrophil",
    "dendritic",   "stem",           "clone",         "peptide",      "molecule",     "pathway",
    "signal",      "growth",         "division",      "repair",       "damage",       "toxicity",
    "tolerance",   "sensitivity",    "reaction",      "response",     "adjuvant",     "neoadjuvant",
    "maintenance", "induction",      "consolidation", "salvage",      "combination",  "sequence",
    "duration",    "interval",       "fluid",         "electrolyte",  "sodium",       "potassium",
    "magnesium",   "phosphate",      "glucose",       "cholesterol",  "lipid",        "ketone",
    "wound",       "scar",           "stitch",        "bandage",      "dressing",     "catheter",
    "port",        "needle",         "pump",          "monitor",      "tissue",       "organ",
    "spleen",      "gland",          "saliva",        "sweat",
};

const char* const kFillerWords[] = {
    "the",    "and",  "of",   "to",   "with",  "for",    "can",  "may",   "is",
    "are",    "your", "this", "that", "in",    "or",     "be",   "after", "before",
    "during", "most", "some", "many", "often", "also",   "when", "it",    "as",
    "on",     "by",   "from", "how",  "what",  "people", "help",
};

std::vector<absl::string_view> MakeWordList(const char* const* words, size_t count) {
  std::vector<absl::string_view> list(words, words + count);
  // The naming scheme needs distinct words (so distinct word triples are
  // distinct slugs) of lower-case letters only.
  absl::flat_hash_set<absl::string_view> seen;
  for (absl::string_view word : list) {
    bool letters = !word.empty() && std::all_of(word.begin(), word.end(),
                                                [](char c) { return c >= 'a' && c <= 'z'; });
    if (!letters || !seen.insert(word).second) std::abort();
  }
  return list;
}

}  // namespace

uint64_t StreamSeed(uint64_t seed, uint64_t index, Stream stream) {
  return SplitMix64(SplitMix64(SplitMix64(seed) ^ index) ^ static_cast<uint64_t>(stream));
}

uint64_t UniformIndex(Rng& rng, uint64_t n) {
  // Multiply-shift: the high 64 bits of a 64x64 product; the bias, at most
  // n / 2^64, is far below anything a benchmark can notice.
  return static_cast<uint64_t>((static_cast<unsigned __int128>(rng()) * n) >> 64);
}

double UniformUnit(Rng& rng) { return static_cast<double>(rng() >> 11) * 0x1.0p-53; }

ZipfTable::ZipfTable(int n) : cdf_(std::max(n, 1)) {
  double sum = 0;
  for (size_t i = 0; i < cdf_.size(); ++i) {
    sum += 1.0 / static_cast<double>(i + 1);
    cdf_[i] = sum;
  }
  for (double& c : cdf_) c /= sum;
}

int ZipfTable::Sample(Rng& rng) const {
  const double u = UniformUnit(rng);
  auto it = std::upper_bound(cdf_.begin(), cdf_.end(), u);
  if (it == cdf_.end()) --it;
  return static_cast<int>(it - cdf_.begin());
}

const std::vector<absl::string_view>& Vocabulary() {
  static const auto* const list = new std::vector<absl::string_view>(
      MakeWordList(kVocabulary, sizeof(kVocabulary) / sizeof(kVocabulary[0])));
  static_assert(sizeof(kVocabulary) / sizeof(kVocabulary[0]) == 256,
                "three vocabulary words must name 2^24 articles");
  return *list;
}

const std::vector<absl::string_view>& FillerWords() {
  static const auto* const list = new std::vector<absl::string_view>(
      kFillerWords, kFillerWords + sizeof(kFillerWords) / sizeof(kFillerWords[0]));
  return *list;
}

std::array<int, 3> ArticleNameWords(int64_t index) {
  const uint64_t p = PermuteIndex(static_cast<uint64_t>(index));
  return {static_cast<int>(p & 255), static_cast<int>((p >> 8) & 255),
          static_cast<int>((p >> 16) & 255)};
}

std::string ArticleSlug(int64_t index) {
  const std::vector<absl::string_view>& words = Vocabulary();
  std::array<int, 3> w = ArticleNameWords(index);
  return absl::StrCat(words[w[0]], "-", words[w[1]], "-", words[w[2]]);
}

std::vector<absl::CivilDay> RevisionDates(uint64_t seed, int64_t index, int revisions) {
  revisions = std::clamp(revisions, 1, kMaxRevisions);
  Rng rng(StreamSeed(seed, static_cast<uint64_t>(index), Stream::kDates));
  const absl::CivilDay first = kFirstReviewDate + static_cast<int64_t>(UniformIndex(rng, 4 * 365));
  const bool scheduled_last = revisions >= 2 && UniformIndex(rng, 20) == 0;
  const int regular = scheduled_last ? revisions - 1 : revisions;

  std::vector<absl::CivilDay> dates;
  dates.reserve(revisions);
  dates.push_back(first);
  if (regular > 1) {
    // Revision k (k >= 1) falls in the k-th of regular-1 equal slots after
    // the first review, so the dates increase strictly.
    const int64_t slot = (kLastRegularReviewDate - first) / (regular - 1);
    for (int k = 1; k < regular; ++k) {
      const int64_t offset = (k - 1) * slot + 1 + static_cast<int64_t>(UniformIndex(rng, slot));
      dates.push_back(first + offset);
    }
  }
  if (scheduled_last) {
    dates.push_back(kFirstScheduledDate + static_cast<int64_t>(UniformIndex(rng, 365)));
  }
  return dates;
}

}  // namespace healthcontent::bench
