// Package changelog says why a release ships: the commits between the
// revision a host runs and the one being rolled out, read from the
// service's git repository with `git log`, so that a rollout (and its
// report and events) can show "what changes" next to "what version".
//
// What is guaranteed:
//
//   - git runs from an argv, never a shell, with revisions checked before
//     they reach its command line (never an option, never a range or a
//     path: see Between) and with the repository taken from dir only
//     (GIT_DIR and the like in the environment are dropped).
//   - A changelog that cannot be had is not an error. When git is missing,
//     dir is not a git repository, or a revision is empty, malformed or
//     not in the repository, Between returns a Log with no commits and a
//     Reason that says what to do; the error is non-nil only when ctx
//     ended. A rollout never fails for want of a changelog.
//   - The output is bounded: at most limit commits (DefaultMax, 50, when
//     limit <= 0; never more than MaxCommits), with More saying how many
//     were left out, and every subject and author cut to MaxSubject /
//     MaxAuthor bytes.
//   - Commit subjects and authors are untrusted text: escape sequences
//     (CSI, OSC, …) and other control characters are removed and
//     bidirectional controls dropped before they are stored in a Log, so
//     that neither a terminal nor a JSON consumer sees them.
//   - Rollbacks are told apart: when the target is an ancestor of the
//     running revision, the Log is Reverse and lists the commits the
//     rollback removes.
//
// The package imports only the standard library and does no logging.
package changelog
