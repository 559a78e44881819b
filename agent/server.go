package agent

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"path/filepath"
	"time"

	"github.com/fleetdeploy/fleet/appspec"
)

// Deps is everything Serve needs from the host. cmd/fleet fills it from
// the process; tests fill it with fakes.
type Deps struct {
	Units   UnitManager   // required
	Journal JournalReader // required
	// Logs reads the units' journal for the logs op; nil refuses it.
	Logs LogReader

	// Now and NewTicker drive the health gate; nil means the real clock.
	// NewTicker returns a tick channel and a stop function.
	Now       func() time.Time
	NewTicker func(d time.Duration) (<-chan time.Time, func())
	// NewTimer drives drain's wait; nil means the real clock. It returns
	// a channel that fires once after d, and a stop function.
	NewTimer func(d time.Duration) (<-chan time.Time, func())

	// NewRegistry connects to the host's Consul agent when the spec has
	// Consul; nil means NewConsulRegistry. A session calls it on first
	// use, and again only after it failed.
	NewRegistry func(appspec.Consul) (Registry, error)

	Logger *slog.Logger // nil discards

	// Abandon is called when a session whose controller went silent
	// (SilentError) has not ended 10 s after being cancelled, e.g. stuck
	// writing to a pipe nobody reads. cmd/fleet exits the process, which
	// drops the lock as SIGKILL would. nil: wait.
	Abandon func()

	// Host facts reported by hello.
	Hostname     string
	Arch         string
	User         string // effective user (root under sudo)
	AgentVersion string

	// SudoUID/SudoGID own .incoming so the SSH user can upload into it by
	// SFTP. Set both to -1 when not running under sudo (0 means root).
	SudoUID int
	SudoGID int

	// RootPrefix and Dial exist so that one process can stand in for many
	// hosts (package hostsim): the controller sends every host the same
	// spec, one app root and one health check address, which a real fleet
	// resolves once per machine. Each simulated host's agent gets its own
	// directory and its own health endpoint through them instead, and the
	// controller sees no difference. cmd/fleet leaves both zero.
	//
	// RootPrefix, when set, is an absolute directory that plays this
	// host's / for the app root, as a chroot would: every path the agent
	// derives from the root (releases, current, .fleet, .incoming) lies
	// under it. The spec is validated as the controller wrote it, and
	// everything reported back (upload paths, error messages, journal
	// entries) names the unprefixed paths; stage_commit takes an upload
	// path as stage_begin handed it out. Whoever writes uploads (the SSH
	// user's SFTP) must apply the same prefix. The agent's log names the
	// real paths: it is this machine's. Other host paths in the spec
	// (Consul's token_file) are NewRegistry's to resolve.
	RootPrefix string
	// Dial opens the connections of HTTP and TCP health checks; nil means
	// a net.Dialer. The check still names the address the spec gave, and
	// an HTTP request still carries its URL, whatever Dial connects to.
	Dial func(ctx context.Context, network, address string) (net.Conn, error)

	// HTTP sends the fetch op's requests; nil means NewHTTPClient.
	HTTP HTTPDoer

	// Hooks runs the hook op's processes; nil means ExecHookRunner.
	Hooks HookRunner
}

func (d Deps) withDefaults() (Deps, error) {
	if d.Units == nil || d.Journal == nil {
		return d, errors.New("deps: Units and Journal are required")
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.NewTicker == nil {
		d.NewTicker = func(p time.Duration) (<-chan time.Time, func()) {
			t := time.NewTicker(p)
			return t.C, t.Stop
		}
	}
	if d.NewTimer == nil {
		d.NewTimer = func(p time.Duration) (<-chan time.Time, func()) {
			t := time.NewTimer(p)
			return t.C, func() { t.Stop() }
		}
	}
	if d.NewRegistry == nil {
		d.NewRegistry = func(c appspec.Consul) (Registry, error) { return NewConsulRegistry(c) }
	}
	if d.Logger == nil {
		d.Logger = slog.New(slog.DiscardHandler)
	}
	if d.Dial == nil {
		d.Dial = (&net.Dialer{}).DialContext
	}
	if d.HTTP == nil {
		d.HTTP = NewHTTPClient()
	}
	if d.Hooks == nil {
		d.Hooks = ExecHookRunner{}
	}
	if p := d.RootPrefix; p != "" && (!filepath.IsAbs(p) || filepath.Clean(p) != p) {
		return d, fmt.Errorf("deps: RootPrefix %q: want an absolute, clean path", p)
	}
	return d, nil
}

// errInputGone aborts an op whose controller has left.
var errInputGone = errors.New("controller input closed")

// inputLine is one request line, or a non-fatal read error (line too long).
type inputLine struct {
	data []byte
	err  error
}

// Serve runs one agent session: it reads requests from in and writes
// responses and events to out, handling one request at a time, in order.
// Empty lines are heartbeats: they only prove the controller is there.
//
// When in reaches EOF — the controller's SSH session ended, however it
// ended — the op in progress is cancelled and Serve returns nil, releasing
// the lock. When nothing, not even a heartbeat, arrives for the idle
// timeout (idle.go), the same happens and Serve returns a *SilentError.
// That is what keeps the lock from ever going stale. Serve also returns
// when ctx is done; the goroutine reading in then lingers until in
// returns, which for stdin is process exit.
func Serve(ctx context.Context, in io.Reader, out io.Writer, deps Deps) error {
	deps, err := deps.withDefaults()
	if err != nil {
		return fmt.Errorf("agent serve: %w", err)
	}
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)

	finished := make(chan struct{})
	defer close(finished) // after s.close below: the lock is released first
	idle := newIdleWatch()
	go idle.run(finished, cancel, deps.Abandon)
	lines := make(chan inputLine)
	go readInput(ctx, newLineReader(in, MaxRequestLine), lines, cancel, idle)

	s := newSession(deps, out, idle)
	// Once the input is gone, nobody reads the output either: writing
	// would at best fail and at worst (stdout is a dead pipe) raise SIGPIPE.
	s.inputGone = func() bool { return controllerGone(context.Cause(ctx)) }
	defer s.close()
	for {
		select {
		case <-ctx.Done():
			cause := context.Cause(ctx)
			if errors.Is(cause, io.EOF) {
				deps.Logger.Info("controller closed the session")
				return nil
			}
			var silent *SilentError
			if errors.As(cause, &silent) {
				deps.Logger.Warn("controller went silent", keyError, cause)
				s.journalExpired(silent)
				s.sayExpired(silent)
			}
			return fmt.Errorf("agent serve: %w", cause)
		case l := <-lines:
			if err := s.handleLine(ctx, l); err != nil {
				return fmt.Errorf("agent serve: %w", err)
			}
		}
	}
}

// controllerGone: the session ended because the controller left, closing
// its input or going silent.
func controllerGone(cause error) bool {
	var silent *SilentError
	return errors.Is(cause, io.EOF) || errors.As(cause, &silent)
}

// readInput feeds lines to the serve loop, and every line, heartbeats
// included, to the idle watch. Heartbeats go no further: they arrive while
// a request is in flight, when the serve loop is not reading. At EOF or a
// read error it cancels the session with that cause, which aborts the op
// in flight.
func readInput(ctx context.Context, lr *lineReader, lines chan<- inputLine, cancel context.CancelCauseFunc, idle *idleWatch) {
	for {
		data, err := lr.next()
		if err != nil && !errors.Is(err, errLineTooLong) {
			if !errors.Is(err, io.EOF) {
				err = fmt.Errorf("read request: %w", err)
			}
			cancel(err)
			return
		}
		idle.poke()
		if err == nil && len(bytes.TrimSpace(data)) == 0 {
			continue
		}
		select {
		case lines <- inputLine{data: data, err: err}:
		case <-ctx.Done():
			return
		}
	}
}

// handleLine decodes, dispatches and answers one line. Only a failure to
// write the answer is returned: that means the controller is gone.
func (s *session) handleLine(ctx context.Context, l inputLine) error {
	if l.err != nil {
		return s.reply(0, nil, errorf(CodeBadRequest, "request: %w", l.err))
	}
	if len(l.data) == 0 {
		return nil
	}
	req, err := DecodeRequest(l.data)
	if err != nil {
		return s.reply(req.ID, nil, errorf(CodeBadRequest, "%w", err))
	}
	start := time.Now()
	s.reqID = req.ID
	result, err := s.dispatch(ctx, req)
	err = s.explainDenied(err)
	s.log.Debug("request done", keyOp, req.Op, keyID, req.ID,
		keyDuration, time.Since(start), keyError, errString(err))
	if s.inputGone() {
		return nil
	}
	return s.reply(req.ID, result, err)
}

func (s *session) reply(id uint64, result any, err error) error {
	resp := Response{ID: id}
	if err != nil {
		resp.Error = toWire(err)
		resp.Error.Message = s.prefix.shown(resp.Error.Message)
	} else {
		raw, merr := json.Marshal(result)
		if merr != nil {
			resp.Error = toWire(fmt.Errorf("encode result: %w", merr))
		} else {
			resp.OK, resp.Result = true, raw
		}
	}
	return s.write(resp)
}

// journalExpired records, while the lock is still held, that this
// session's lock is being given up for silence: fleet history shows it as
// the host's error, the only trace on the host of why the rollout stopped.
func (s *session) journalExpired(silent *SilentError) {
	if s.lock != nil {
		s.journal(JournalEntry{Op: OpLock, Result: resultExpired}, silent)
	}
}

// sayExpired leaves a last line for a controller that was only stopped:
// when it resumes, the call it was waiting for (or its next one) fails
// with session_expired and why, instead of a bare end of output. Nothing
// waits for it to be read; a write that blocks is Deps.Abandon's case.
func (s *session) sayExpired(silent *SilentError) {
	_ = s.write(Response{Error: &WireError{Code: CodeSessionExpired, Message: silent.Error()}})
}

// emit sends progress for the request in flight.
func (s *session) emit(ev Event) error {
	if s.inputGone() {
		return errInputGone
	}
	return s.write(Response{ID: s.reqID, Event: &ev})
}

func (s *session) write(resp Response) error {
	data, err := json.Marshal(resp)
	if err != nil {
		return fmt.Errorf("encode response: %w", err)
	}
	if _, err := s.out.Write(append(data, '\n')); err != nil {
		return fmt.Errorf("write response: %w", err)
	}
	return nil
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
