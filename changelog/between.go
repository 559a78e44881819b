package changelog

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Between returns the commits between the running revision from and the
// target revision to in the git repository in dir ("" for the current
// directory), newest first, at most limit of them (DefaultMax when
// limit <= 0, never more than MaxCommits); More counts the rest.
//
// A revision is a commit hash (abbreviated or full) or a branch or tag
// name: letters, digits and "._/-", not starting with "-" or ".", without
// "..", at most 256 bytes. Revision expressions (HEAD~2, a..b, @{1}, x:path)
// are refused, so a revision can never be read as an option, a range or a
// path.
//
// Direction says which way the range goes: Forward lists from..to, Reverse
// (to is an ancestor of from: a rollback) lists to..from, the commits
// removed, and Diverged lists from..to and counts the others in Removed.
//
// When there is no changelog to be had, the Log has no commits and Reason
// says why and what to do: git missing, dir not a git repository, a
// revision empty, malformed or not in the repository. The error is
// non-nil only when ctx ended.
func Between(ctx context.Context, dir, from, to string, limit int) (Log, error) {
	l := Log{From: from, To: to}
	if l.Reason = checkRevision("running", from); l.Reason != "" {
		return l, nil
	}
	if l.Reason = checkRevision("target", to); l.Reason != "" {
		return l, nil
	}
	if limit <= 0 {
		limit = DefaultMax
	}
	r := reader{dir: dir}
	why, err := r.resolve(ctx, &l)
	if err == nil && why == "" {
		why, err = r.list(ctx, &l, min(limit, MaxCommits))
	}
	l.Reason = why
	if err != nil || why != "" {
		l.Direction, l.Commits, l.More, l.Removed = "", nil, 0, 0
	}
	return l, err
}

// For returns one Log per distinct revision in running (the revisions the
// hosts run; a mixed fleet has several), in order of first appearance,
// each from that revision to target, with Hosts saying how many entries of
// running name it. Revisions are compared as given (an abbreviated and a
// full hash of one commit are two entries). Between says what limit and the
// error mean.
func For(ctx context.Context, dir string, running []string, target string, limit int) ([]Log, error) {
	var logs []Log
	index := map[string]int{}
	for _, from := range running {
		if i, ok := index[from]; ok {
			logs[i].Hosts++
			continue
		}
		l, err := Between(ctx, dir, from, target, limit)
		if err != nil {
			return nil, err
		}
		l.Hosts = 1
		index[from] = len(logs)
		logs = append(logs, l)
	}
	return logs, nil
}

// checkRevision returns why rev cannot be looked up, or "". role is
// "running" or "target".
func checkRevision(role, rev string) string {
	switch {
	case rev == "" && role == "running":
		return "the running release has no known revision (deployed without provenance): no changelog"
	case rev == "":
		return "the new release has no revision: build it in its git repository (Go stamps the commit) or give the revision with --revision"
	case len(rev) > 256, rev[0] == '-', rev[0] == '.', strings.Contains(rev, ".."),
		strings.ContainsFunc(rev, func(r rune) bool { return !isRefChar(r) }):
		return fmt.Sprintf("the %s revision %q is not a commit hash, branch or tag", role, truncate(rev, 80))
	}
	return ""
}

func isRefChar(r rune) bool {
	return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' || strings.ContainsRune("._/-", r)
}

// reader reads one repository.
type reader struct {
	dir     string
	where   string // dir for messages
	shallow bool
}

// open checks that dir is in a git repository and whether it is shallow.
func (r *reader) open(ctx context.Context) (why string, err error) {
	r.where = r.dir
	if abs, err := filepath.Abs(r.dir); err == nil {
		r.where = abs
	}
	r.where = clean(r.where, 200)
	res, err := runGit(ctx, r.dir, "rev-parse", "--is-shallow-repository")
	switch {
	case err != nil:
		return "", err
	case res.notFound:
		return "git is not installed (or not on PATH): no changelog", nil
	case !res.ok:
		return fmt.Sprintf("%s is not a git repository: run fleet from the service's repository (%s)", r.where, res.problem), nil
	}
	r.shallow = strings.TrimSpace(string(res.out)) == "true"
	return "", nil
}

// resolve checks the repository and sets l's FromCommit and ToCommit.
func (r *reader) resolve(ctx context.Context, l *Log) (why string, err error) {
	if why, err = r.open(ctx); err != nil || why != "" {
		return why, err
	}
	if l.FromCommit, why, err = r.commit(ctx, l.From); err != nil || why != "" {
		return why, err
	}
	l.ToCommit, why, err = r.commit(ctx, l.To)
	return why, err
}

// list sets l's Direction and lists its commits, at most limit.
func (r *reader) list(ctx context.Context, l *Log, limit int) (why string, err error) {
	onlyFrom, onlyTo, why, err := r.count(ctx, l.FromCommit, l.ToCommit)
	if err != nil || why != "" {
		return why, err
	}
	base, tip, total := l.FromCommit, l.ToCommit, onlyTo
	switch {
	case onlyFrom == 0 && onlyTo == 0:
		l.Direction = Same
		return "", nil
	case onlyTo == 0:
		l.Direction = Reverse
		base, tip, total = l.ToCommit, l.FromCommit, onlyFrom
	case onlyFrom == 0:
		l.Direction = Forward
	default:
		l.Direction, l.Removed = Diverged, onlyFrom
	}
	if l.Commits, why, err = r.log(ctx, base, tip, limit); err != nil || why != "" {
		return why, err
	}
	l.More = max(total-len(l.Commits), 0)
	return "", nil
}

// commit returns the full hash of the commit rev names.
func (r *reader) commit(ctx context.Context, rev string) (hash, why string, err error) {
	res, err := runGit(ctx, r.dir, "rev-parse", "--verify", "--quiet", rev+"^{commit}")
	switch {
	case err != nil:
		return "", "", err
	case res.ok:
		hash = strings.TrimSpace(string(res.out))
		if !isHash(hash) {
			return "", fmt.Sprintf("git rev-parse printed %q for %s, not a commit hash", clean(hash, 80), rev), nil
		}
		return hash, "", nil
	case res.code == 1: // --verify --quiet: no such commit
		fetch := "git fetch"
		if r.shallow {
			fetch = "git fetch --unshallow"
		}
		return "", fmt.Sprintf("revision %s is not in %s: %s, or run fleet from the service's repository", rev, r.where, fetch), nil
	}
	return "", res.problem, nil
}

// count returns how many commits only from has and only to has.
func (r *reader) count(ctx context.Context, from, to string) (onlyFrom, onlyTo int, why string, err error) {
	res, err := runGit(ctx, r.dir, "rev-list", "--left-right", "--count", from+"..."+to, "--")
	if err != nil || !res.ok {
		return 0, 0, res.problem, err
	}
	left, right, ok := strings.Cut(strings.TrimSpace(string(res.out)), "\t")
	a, errA := strconv.Atoi(left)
	b, errB := strconv.Atoi(right)
	if !ok || errA != nil || errB != nil {
		return 0, 0, fmt.Sprintf("git rev-list printed %q, not two counts", clean(string(res.out), 80)), nil
	}
	return a, b, "", nil
}

// logFormat: hash, author, author date (strict ISO 8601), subject,
// separated by NUL; -z ends each commit with NUL.
const logFormat = "--format=%H%x00%an%x00%aI%x00%s"

// log returns the newest limit commits of base..tip.
func (r *reader) log(ctx context.Context, base, tip string, limit int) (commits []Commit, why string, err error) {
	res, err := runGit(ctx, r.dir, "log", "--no-color", logFormat, "-z", "-n", strconv.Itoa(limit), base+".."+tip, "--")
	if err != nil || !res.ok {
		return nil, res.problem, err
	}
	fields := bytes.Split(bytes.TrimSuffix(res.out, []byte{0}), []byte{0})
	if len(res.out) == 0 {
		return nil, "", nil
	}
	if len(fields)%4 != 0 {
		return nil, "git log printed output fleet cannot read", nil
	}
	for i := 0; i < len(fields); i += 4 {
		hash := strings.TrimSpace(string(fields[i]))
		at, terr := time.Parse(time.RFC3339, string(fields[i+2]))
		if !isHash(hash) || terr != nil {
			return nil, "git log printed output fleet cannot read", nil
		}
		commits = append(commits, Commit{
			Hash:    hash,
			Author:  clean(string(fields[i+1]), MaxAuthor),
			Time:    at,
			Subject: clean(string(fields[i+3]), MaxSubject),
		})
	}
	return commits, "", nil
}

// isHash reports whether s is a full object name: 40 (SHA-1) or 64
// (SHA-256) lower-case hexadecimal digits.
func isHash(s string) bool {
	if len(s) != 40 && len(s) != 64 {
		return false
	}
	return !strings.ContainsFunc(s, func(r rune) bool { return !('0' <= r && r <= '9' || 'a' <= r && r <= 'f') })
}
