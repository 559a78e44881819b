package hostsim

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"time"

	"github.com/fleetdeploy/fleet/agent"
)

// The commands cmd/fleet sends, as transport.Quote renders them (the
// checksum and path need no quotes, but quoted forms are accepted too).
const (
	sumWord   = `'?([0-9a-f]{64})'?`
	agentWord = `'?(\.fleet/bin/fleet-[0-9a-f]{64})'?`
	verifySh  = `printf '%s  %s\\n' ` + sumWord + ` ` + agentWord + ` \| sha256sum --status -c -`
)

// fingerprintSh is deploy's fingerprintCheck: the host's clock, the
// file's stat line, then the plain check.
const fingerprintSh = `n=\$\(date \+%s\); s=\$\(stat -L -c '%d %i %s %\.9Y %\.9Z' -- ` + agentWord +
	` 2>/dev/null\); ` + verifySh + ` \|\| exit 1; echo "\$n \$s"`

var (
	fingerprintCmd = regexp.MustCompile(`^` + fingerprintSh + `$`)
	verifyCmd      = regexp.MustCompile(`^` + verifySh + `$`)
	startCmd       = regexp.MustCompile(`^` + verifySh + ` \|\| exit 97; exec (?:sudo -n -- "\$HOME"/)?` + agentWord + ` agent serve$`)
)

// Exit statuses of the simulated shell.
const (
	exitNotFound = 127 // a command the simulator does not know
	exitBadAgent = 97  // the agent start line's checksum failure
)

// exec is the host's transporttest.ExecFunc.
func (h *Host) exec(ctx context.Context, cmd string, stdin io.Reader, stdout, stderr io.Writer) int {
	if cmd == "uname -m" {
		_, _ = io.WriteString(stdout, "x86_64\n")
		return 0
	}
	if m := fingerprintCmd.FindStringSubmatch(cmd); m != nil && m[1] == m[3] {
		return h.fingerprint(stdout, m[2], m[3])
	}
	if m := verifyCmd.FindStringSubmatch(cmd); m != nil {
		if !h.verifyAgent(m[1], m[2]) {
			return 1
		}
		return 0
	}
	if m := startCmd.FindStringSubmatch(cmd); m != nil && m[2] == m[3] {
		if !h.verifyAgent(m[1], m[2]) {
			fmt.Fprintf(stderr, "sha256sum: %s: FAILED\n", m[2])
			return exitBadAgent
		}
		return h.serveAgent(ctx, stdin, stdout, stderr)
	}
	fmt.Fprintf(stderr, "hostsim: %s: command not simulated: %q\n", h.name, cmd)
	return exitNotFound
}

// fingerprint answers deploy's fingerprintCheck: exit 1 unless the file
// hashes to sum, else the clock and a stat line whose ctime is now, which
// the controller never records (not settled): the simulator does not run
// the start line that compares a fingerprint, so the agent is always
// checked by its hash here.
func (h *Host) fingerprint(stdout io.Writer, sum, rel string) int {
	if !h.verifyAgent(sum, rel) {
		return 1
	}
	fi, err := os.Stat(filepath.Join(h.dir, filepath.FromSlash(rel)))
	if err != nil {
		return 1
	}
	now := time.Now()
	fmt.Fprintf(stdout, "%d 0 0 %d %d.%09d %d.%09d\n", now.Unix(), fi.Size(), now.Unix(), now.Nanosecond(), now.Unix(), now.Nanosecond())
	return 0
}

// verifyAgent is what `sha256sum -c` does with one line: the file, relative
// to the home directory, must exist and hash to sum.
func (h *Host) verifyAgent(sum, rel string) bool {
	f, err := os.Open(filepath.Join(h.dir, filepath.FromSlash(rel)))
	if err != nil {
		return false
	}
	defer f.Close()
	d := sha256.New()
	if _, err := io.Copy(d, f); err != nil {
		return false
	}
	return hex.EncodeToString(d.Sum(nil)) == sum
}

// serveAgent runs the agent for one SSH session, as `fleet agent serve`
// would, with this host's fakes, its directory as the root of its paths
// and its health server behind every check address.
func (h *Host) serveAgent(ctx context.Context, stdin io.Reader, stdout, stderr io.Writer) int {
	h.agentSessions.Add(1)
	deps := agent.Deps{
		Units:        slowUnits{Units: h.units, latency: h.opts.RestartLatency},
		Journal:      h.journal,
		Logs:         h.journal,
		Logger:       slog.New(slog.NewJSONHandler(stderr, &slog.HandlerOptions{Level: slog.LevelInfo})),
		Hostname:     h.name,
		Arch:         "amd64",
		User:         "root",
		AgentVersion: "sim",
		SudoUID:      -1,
		SudoGID:      -1,
		RootPrefix:   h.dir,
		Dial:         h.dialHealth,
		HTTP:         h.fetches,
	}
	if h.opts.Consul {
		// Else the agent dials the inventory's Consul address itself, as
		// a test with a fake Consul behind one may want.
		deps.NewRegistry = h.consul.New
	}
	in, out := stdin, stdout
	if h.opts.CorruptUploads != nil || h.standIns != nil {
		filter := &requestFilter{r: bufio.NewReader(stdin), host: h}
		if h.standIns != nil {
			filter.tap = &standInTap{host: h, reg: h.standIns, w: stdout, begins: map[uint64]*standIn{}}
			out = filter.tap
		}
		in = filter
	}
	if err := agent.Serve(ctx, in, out, deps); err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	return 0
}

// requestFilter passes the controller's requests to the agent line by
// line, for the two taps that are not agent.Deps options (see the package
// comment): uploads cut short (Options.CorruptUploads) and artifacts
// swapped for their stand-ins (Options.StandIns). Lines it cannot decode
// pass as they are, for the agent to refuse.
type requestFilter struct {
	r    *bufio.Reader
	host *Host
	tap  *standInTap // nil unless Options.StandIns
	buf  []byte
}

func (f *requestFilter) Read(p []byte) (int, error) {
	if len(f.buf) == 0 {
		line, err := f.r.ReadBytes('\n')
		if len(line) == 0 {
			return 0, err
		}
		f.host.corruptUpload(line)
		f.buf = line
		if f.tap != nil {
			f.buf = f.tap.request(f.buf)
		}
	}
	n := copy(p, f.buf)
	f.buf = f.buf[n:]
	return n, nil
}

// corruptUpload truncates the upload a stage_commit names when
// Options.CorruptUploads says so for this host.
func (h *Host) corruptUpload(line []byte) {
	if h.opts.CorruptUploads == nil {
		return
	}
	req, err := agent.DecodeRequest(bytes.TrimSpace(line))
	if err != nil || req.Op != agent.OpStageCommit || !h.opts.CorruptUploads(h.name) {
		return
	}
	var args agent.StageCommitArgs
	if json.Unmarshal(req.Args, &args) == nil && filepath.IsAbs(args.UploadPath) {
		_ = os.Truncate(h.local(args.UploadPath), 1)
	}
}
