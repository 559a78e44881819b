// Package provenance says what a release binary is: the Go module and
// version it was built as, the git commit it was built from, whether the
// tree was dirty, when that commit was made and by which Go. fleet records
// it in release.json on every host, sends it in events and registers part
// of it as Consul service meta, so that every running instance can answer
// "what is this and where did it come from" without anyone having to trust
// a version string typed by hand.
//
// What is guaranteed:
//
//   - Read never runs the artifact and never fails because the artifact is
//     not a Go binary: a script, a tarball or a C binary gives a Provenance
//     without build info and a Reason saying what it is, so that the caller
//     can fall back to flags (Merge). Read fails only when the file cannot
//     be opened or read.
//   - Every string Read takes from the file is cleaned (valid UTF-8, no
//     control characters, at most MaxText bytes): a hostile binary cannot
//     put escape sequences on a terminal or oversize values into Consul.
//   - Merge never lets a flag contradict the binary: a --revision that
//     disagrees with the revision Go stamped into the binary is an error
//     (ErrRevisionConflict), not an override.
//   - Meta returns only entries Consul accepts: keys from Consul's key
//     alphabet, values within its 512-byte limit.
//
// The package imports only the standard library and does no logging.
package provenance
