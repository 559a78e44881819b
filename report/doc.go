// Package report writes the outcome of one fleet command (rollout,
// rollback, promote) as files a CI system reads: a JSON summary and JUnit
// XML, which Jenkins' junit step, GitLab and most CI servers accept.
//
// A Report is plain data that cmd/fleet fills in from plan's result. The
// package imports only the standard library.
package report
