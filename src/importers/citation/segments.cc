#include "importers/citation/segments.h"

#include "importers/citation/code_points.h"
#include "importers/citation/text.h"

namespace healthcontent::importers::citation {
namespace {

bool IsAbbreviation(absl::string_view w) {
  // clang-format off
  return IsOneOf(
      w, {"vol", "Vol", "vols", "Vols", "no", "No", "nos", "Nos", "pp", "Pp", "p", "ed", "Ed",
          "eds", "Eds", "edn", "Edn", "rev", "Rev", "repr", "trans", "Trans", "transl", "suppl",
          "Suppl", "pt", "Pt", "ch", "Ch", "chap", "Chap", "fig", "Fig", "vs", "cf", "etc", "al",
          "ca", "approx", "Dr", "Mr", "Mrs", "Ms", "Jr", "Sr", "St", "Inc", "Ltd", "Co", "Corp",
          "Bros", "Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug", "Sep", "Sept", "Oct", "Nov",
          "Dec", "Acad", "Am", "Ann", "Appl", "Arch", "Assoc", "Biochem", "Biol", "Bull", "Chem",
          "Clin", "Comput", "Conf", "Curr", "Dept", "Ecol", "Econ", "Educ", "Eng", "Engl",
          "Environ", "Eur", "Exp", "Geophys", "Immunol", "Inf", "Inst", "Int", "Intl", "Jpn",
          "Lett", "Math", "Mech", "Med", "Mol", "Natl", "Neurosci", "Oncol", "Opt", "Pharm",
          "Pharmacol", "Philos", "Phys", "Physiol", "Proc", "Psychol", "Rep", "Res", "Sci", "Soc",
          "Stat", "Surg", "Symp", "Syst", "Technol", "Theor", "Univ", "Gen", "Br", "Aust", "Ger",
          "Mass", "Calif", "Md", "Va", "Ga", "Fla", "Ill", "Wis", "Pa", "Mich", "Conn", "Minn",
          "Tenn", "Ont", "Mt", "Ft", "op", "cit", "ibid", "Ibid", "ff", "ser", "Ser", "Bd", "Jg",
          "Hrsg", "Hg", "Aufl", "vyd", "Nr", "nr", "resp", "Fasc", "fasc", "Iss", "Intern",
          "Electr", "Comm", "Commun", "Anal", "Nat", "Hum", "Genet", "Rec", "Mag", "Neurol",
          "Cardiol", "Gastroenterol", "Dermatol", "Pediatr", "Radiol", "Obstet", "Gynecol",
          "Epidemiol", "Microbiol", "Pathol", "Ophthalmol", "Otolaryngol", "Urol", "Endocrinol",
          "Metab", "Nutr", "Respir", "Crit", "Oper", "Stud", "Sociol", "Anthropol", "Polit", "Hist",
          "Lit", "Ling", "Linguist", "Cogn", "Behav", "Sch", "Ind", "Mater", "Struct", "Geol",
          "Astrophys", "Astron", "Mon", "Not", "Zh", "Izv", "Dokl", "Akad", "Nauk", "Intell",
          "Artif", "Discr", "Comput", "Sys", "Softw", "Inform", "Process"});
  // clang-format on
}

}  // namespace

bool SentenceEndsAt(absl::string_view r, size_t i) {
  if (i + 1 < r.size() && r[i + 1] != ' ' && r[i + 1] != kCut) return false;
  size_t j = SkipSpaces(r, i + 1);
  if (j >= r.size()) return true;
  if (IsLowerAt(r, j)) return false;
  size_t ws = i;
  while (ws > 0 && IsAlnumAt(r, PrevCp(r, ws))) ws = PrevCp(r, ws);
  absl::string_view word = r.substr(ws, i - ws);
  if (word.empty()) return true;
  if (CountCps(word) == 1 && IsUpperAt(word, 0)) return false;  // an initial: "J. Smith", "U.S."
  if (CountCps(word) == 1 && IsDigitAt(r, j)) return false;     // "v. 33", "p. 45"
  if (IsDigitAt(word, 0) && word.size() >= 3 &&
      IsOneOf(word.substr(word.size() - 2), {"st", "nd", "rd", "th"})) {
    return false;  // "Proc. 5th. BCS-FACS Refinement Workshop"
  }
  return !IsAbbreviation(word);
}

std::vector<Seg> SplitSegments(absl::string_view r) {
  std::vector<Seg> out;
  size_t start = 0;
  auto flush = [&](size_t end) {
    absl::string_view piece = TrimField(r.substr(start, end - start));
    if (!piece.empty()) {
      size_t b = piece.data() - r.data();
      out.push_back({b, b + piece.size()});
    }
  };
  for (size_t i = 0; i < r.size(); ++i) {
    char c = r[i];
    if (c == kCut) {
      flush(i);
      start = i + 1;
    } else if (c == '?' || c == '!') {
      size_t j = i + 1;
      if (j < r.size() && r[j] == '.') ++j;
      if (j >= r.size() || r[j] == ' ' || r[j] == kCut) {
        flush(j);
        start = j;
        i = j - 1;
      }
    } else if (c == '.' && SentenceEndsAt(r, i)) {
      flush(i);
      start = i + 1;
    } else if (c == ']' && i + 1 < r.size() && r[i + 1] == ' ' && IsUpperAt(r, i + 2)) {
      // NLM prints translated titles in brackets, without a stop: "[Effect of
      // acupuncture on ...] Zhongguo Zhong Xi Yi Jie He Za Zhi 14 (9): ..."
      size_t b = SkipSpaces(r, start);
      if (b < r.size() && r[b] == '[' && r.substr(b, i - b).find(']') == npos) {
        flush(i + 1);
        start = i + 1;
      }
    }
  }
  flush(r.size());
  return out;
}

}  // namespace healthcontent::importers::citation
