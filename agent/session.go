package agent

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"os"

	"github.com/fleetdeploy/fleet/appspec"
	"github.com/fleetdeploy/fleet/bundle"
)

// session is the state of one Serve call. It is used only by the serve
// loop's goroutine, so it needs no locking.
type session struct {
	deps  Deps
	out   io.Writer
	log   *slog.Logger
	reqID uint64 // request in flight, for emit

	inputGone func() bool // the controller left: its input reached EOF or went silent
	idle      *idleWatch  // hello sets its limit

	spec    *appspec.Spec // set by hello
	ctrl    Holder
	layout  layout
	prefix  rootPrefix // Deps.RootPrefix: layout's paths are under it, answers are not
	lock    *hostLock
	pending map[string]pendingUpload // upload path -> what stage_begin announced

	registry Registry // made on first use; see consul()

	peer *peerServer // serve_release's, stopped by close
}

// pendingUpload is what stage_begin promised for an upload path;
// stage_commit accepts only paths issued this way in the same session.
type pendingUpload struct {
	version string
	sha256  string
	size    int64
	format  bundle.Format
}

// noArgs is the args type of ops that take none.
type noArgs struct{}

func newSession(deps Deps, out io.Writer, idle *idleWatch) *session {
	return &session{
		deps: deps, out: out, log: deps.Logger, pending: map[string]pendingUpload{}, idle: idle,
		prefix:    newRootPrefix(deps.RootPrefix),
		inputGone: func() bool { return false },
	}
}

// close stops serving peers (serve_release) and releases the lock.
// Uploads left in .incoming are swept by a later prune.
func (s *session) close() {
	s.stopPeer()
	if s.lock != nil {
		if err := s.lock.release(); err != nil {
			s.log.Error("release lock", keyError, err)
		}
		s.lock = nil
	}
}

// dispatch enforces the session rules (hello first; mutating ops need the
// lock) and runs the op.
func (s *session) dispatch(ctx context.Context, req Request) (any, error) {
	if req.Op == OpCheck { // read-only, needs no hello (check.go)
		return call(ctx, req.Args, s.check)
	}
	if req.Op != OpHello && s.spec == nil {
		return nil, errorf(CodeBadRequest, "%s: hello must come first", req.Op)
	}
	if req.Op.mutates() && s.lock == nil {
		return nil, errorf(CodeBadRequest, "%s: needs the host lock; send lock first", req.Op)
	}
	switch req.Op {
	case OpHello:
		return call(ctx, req.Args, s.hello)
	case OpLock:
		return call(ctx, req.Args, s.takeLock)
	case OpStatus:
		return call(ctx, req.Args, s.statusOp)
	case OpStageBegin:
		return call(ctx, req.Args, s.stageBegin)
	case OpStageCommit:
		return call(ctx, req.Args, s.stageCommit)
	case OpFetch:
		return call(ctx, req.Args, s.fetch)
	case OpServeRelease:
		return call(ctx, req.Args, s.serveRelease)
	case OpSwitch:
		return call(ctx, req.Args, s.switchOp)
	case OpRestart:
		return call(ctx, req.Args, s.restart)
	case OpHealth:
		return call(ctx, req.Args, s.health)
	case OpPrune:
		return call(ctx, req.Args, s.prune)
	case OpJournal:
		return call(ctx, req.Args, s.journalOp)
	case OpLogs:
		return call(ctx, req.Args, s.logsOp)
	}
	return s.dispatchInstance(ctx, req)
}

// dispatchInstance runs the ops that take an instance in or out of
// service.
func (s *session) dispatchInstance(ctx context.Context, req Request) (any, error) {
	switch req.Op {
	case OpDrain:
		return call(ctx, req.Args, s.drain)
	case OpRegister:
		return call(ctx, req.Args, s.register)
	case OpEnable:
		return call(ctx, req.Args, s.enable)
	case OpStop:
		return call(ctx, req.Args, s.stop)
	case OpServe:
		return call(ctx, req.Args, s.serve)
	case OpPending:
		return call(ctx, req.Args, s.pendingOp)
	case OpWeight:
		return call(ctx, req.Args, s.weight)
	case OpVerdict:
		return call(ctx, req.Args, s.verdict)
	case OpHook:
		return call(ctx, req.Args, s.hook)
	}
	return nil, errorf(CodeBadRequest, "unknown op %q", req.Op)
}

// call decodes args strictly into A and runs fn.
func call[A, R any](ctx context.Context, raw json.RawMessage, fn func(context.Context, A) (R, error)) (any, error) {
	var args A
	if err := decodeArgs(raw, &args); err != nil {
		return nil, err
	}
	r, err := fn(ctx, args)
	if err != nil {
		return nil, err
	}
	return r, nil
}

func (s *session) hello(ctx context.Context, a HelloArgs) (HelloResult, error) {
	if s.spec != nil {
		return HelloResult{}, errorf(CodeBadRequest, "hello: already done for this session")
	}
	if a.Protocol != ProtocolVersion {
		return HelloResult{}, errorf(CodeBadRequest, "hello: controller speaks protocol %d, agent %d",
			a.Protocol, ProtocolVersion)
	}
	if err := a.App.Validate(); err != nil {
		return HelloResult{}, errorf(CodeBadRequest, "hello: app: %w", err)
	}
	if err := a.Controller.Validate(); err != nil {
		return HelloResult{}, errorf(CodeBadRequest, "hello: %w", err)
	}
	if t := a.IdleTimeout.Std(); t < 0 || (t > 0 && t < minIdleTimeout) {
		return HelloResult{}, errorf(CodeBadRequest, "hello: idle_timeout %s: want 0 (off) or at least %s", t, minIdleTimeout)
	}
	spec := a.App
	if spec.Consul != nil {
		c := spec.Consul.WithDefaults(spec.Name)
		spec.Consul = &c
	}
	s.spec, s.ctrl, s.layout = &spec, a.Controller, layout{root: s.prefix.local(spec.Root)}
	s.idle.setLimit(a.IdleTimeout.Std())
	s.log = s.deps.Logger.With(keyApp, spec.Name, keyRollout, a.Controller.RolloutID)
	st, err := s.status(ctx)
	if err != nil {
		return HelloResult{}, err
	}
	return HelloResult{
		Protocol:     ProtocolVersion,
		AgentVersion: s.deps.AgentVersion,
		Hostname:     s.deps.Hostname,
		Arch:         s.deps.Arch,
		User:         s.deps.User,
		PID:          os.Getpid(),
		Status:       st,
	}, nil
}

func (s *session) takeLock(ctx context.Context, _ noArgs) (LockResult, error) {
	if s.lock != nil {
		return LockResult{Holder: s.lock.holder}, nil
	}
	if err := s.layout.ensureRoot(); err != nil {
		return LockResult{}, ioError("lock", err)
	}
	h := s.ctrl
	h.Since = s.deps.Now().UTC()
	l, err := acquireLock(ctx, s.layout.lock(), h)
	if err != nil {
		return LockResult{}, err
	}
	s.lock = l
	s.journal(JournalEntry{Op: OpLock}, nil)
	return LockResult{Holder: h}, nil
}
