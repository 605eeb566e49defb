// The parts of a citation taken out before its structure is read: access
// notes, web addresses, DOIs, PubMed ids, ISBNs and ISSNs, and boilerplate
// ("Available online", "[Internet]").
//
// Contract: each Extract* function takes the cleaned text (text.h Clean) and
// replaces every span it recognises, with the words that introduce it
// ("Retrieved from", "doi:", "PubMed PMID:") and the brackets around it, by
// one kCut. It sets a field of *ref only while that field is empty, so the
// first occurrence wins; a value that would fail publish validation (a URL
// over kMaxUrlBytes, a DOI of the wrong shape, a date that is not a real
// day) is cut but not recorded. Work is linear in the text, give or take
// bounded look-behinds. Thread-safe (no shared state).
#ifndef HEALTHCONTENT_IMPORTERS_CITATION_IDENTIFIERS_H_
#define HEALTHCONTENT_IMPORTERS_CITATION_IDENTIFIERS_H_

#include <string>

#include "healthcontent/v1/reference.pb.h"

namespace healthcontent::importers::citation {

// "Accessed March 22, 2023", "Last accessed August 13, 2018", "[cited 2023
// Mar 22]", "Retrieved 2010-08-07", "(accessed 20 March 2012)": the note
// is cut (with its brackets); accessed_date is set when the note has a day.
void ExtractAccessNotes(std::string* t, v1::Reference* ref);

// "http://", "https://" and "www." addresses (at most 16), joined across
// a space where a line break split them, without the sentence punctuation
// after them; url is set to the first (a "www." one gets "http://"), doi
// from a doi.org address, pmid from a PubMed one.
void ExtractUrls(std::string* t, v1::Reference* ref);

// Bare DOIs anywhere ("doi:10.x/y", "DOI: 10.x/y", "[doi>10.x/y]"); doi is
// set to the first of a valid shape, without prefix or trailing punctuation.
void ExtractDois(std::string* t, v1::Reference* ref);

// "PMID: 123", "PubMed PMID: 123", "PMCID: PMC123", "ISBN 978-...", "ISSN
// 1234-5678"; pmid is set from the first PMID (digits, at most 10).
void ExtractIds(std::string* t, v1::Reference* ref);

// "Available online", "[Internet]", "Epub ahead of print" and the like.
void ExtractBoilerplate(std::string* t);

}  // namespace healthcontent::importers::citation

#endif  // HEALTHCONTENT_IMPORTERS_CITATION_IDENTIFIERS_H_
