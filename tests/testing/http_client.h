// Plain HTTP on loopback for tests that check what a listener serves (the
// metrics endpoint), with nothing but POSIX sockets.
#ifndef HEALTHCONTENT_TESTS_TESTING_HTTP_CLIENT_H_
#define HEALTHCONTENT_TESTS_TESTING_HTTP_CLIENT_H_

#include <string>

namespace healthcontent::testing {

// GET http://127.0.0.1:<port><path> over HTTP/1.0: the whole response as
// received (status line, headers and body), or "" when no connection could
// be made or the request could not be sent. Each read waits at most 5 s, so
// a listener that never answers ends the response there.
std::string HttpGet(int port, const std::string& path);

}  // namespace healthcontent::testing

#endif  // HEALTHCONTENT_TESTS_TESTING_HTTP_CLIENT_H_
