package deploy

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/fleetdeploy/fleet/agent"
	"github.com/fleetdeploy/fleet/appspec"
	"github.com/fleetdeploy/fleet/inventory"
	"github.com/fleetdeploy/fleet/transport"
)

// hostSession is the controller's hold on one host for a whole command: one
// SSH connection, and one agent process in one SSH session, which also holds
// the host's deploy lock for as long as it lives.
type hostSession struct {
	host   inventory.Host
	client Conn
	proc   *transport.Process
	agent  *agent.Client
	hello  agent.HelloResult
	stderr *tailBuffer
	log    *slog.Logger

	// Instances, for hosts with slots, as the host reports them: the slot
	// serving (status, then each serve's reply) and the version each
	// points to (status, then each switch). Which slots a step acts on
	// comes with the step (plan.Step.Slot, Serving), not from here.
	serving     string
	slotVersion map[string]string
	pending     bool // a paused canary is recorded on the host
	// weighted: an instance of the host holds a Consul weight that is not
	// the normal one (a gray release's step, paused or cut short).
	weighted bool

	current string // the version the host ran when the run asked (learn)

	// rehashed is called when the start line says the agent binary's
	// fingerprint had changed but its checksum matched.
	rehashed func()
}

// agentRehashed is what the start line prints on stderr when it hashed
// the agent binary because its fingerprint had changed, and it matched.
const agentRehashed = "fleet: the agent binary changed since it was verified; its sha256 matched"

// learn records what the host said about its instances.
func (s *hostSession) learn(st agent.StatusResult) {
	s.current = st.Current
	s.serving = st.Serving
	s.pending = st.Pending != nil
	s.slotVersion = map[string]string{}
	s.weighted = false
	for _, in := range st.Instances {
		s.weighted = s.weighted || in.Weight != 0
		if in.Slot != "" {
			s.slotVersion[in.Slot] = in.Version
		}
	}
}

// sessionOptions are the parts of a session that come from the command line.
type sessionOptions struct {
	app         appspec.Spec
	agentBinary string // --agent-binary override
	identity    agent.Holder
	lock        bool
	sums        *fileSums    // the agent binary's checksum, once per command (connectAll sets it)
	known       *knownAgents // the agent binaries verified before; nil hashes every time
}

// openSession dials the host, makes sure the verified agent binary is there,
// starts it, greets it and, for mutating commands, takes the deploy lock.
func openSession(ctx context.Context, d Dialer, h inventory.Host, o sessionOptions, log *slog.Logger) (*hostSession, error) {
	log = log.With(slog.String("host", h.Name))
	start := time.Now()
	client, err := d.Dial(ctx, h.Address, sshConfig(h.SSH, log))
	tracePhase(log, "dial", start)
	if err != nil {
		// The dial error names the host and port; callers say "connect".
		return nil, fmt.Errorf("%w%s", err, hostKeyHint(err))
	}
	s := &hostSession{host: h, client: client, stderr: newTailBuffer(40), log: log}
	if err := s.start(ctx, o); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

func (s *hostSession) start(ctx context.Context, o sessionOptions) error {
	ai := agentInstaller{override: o.agentBinary, sums: o.sums, known: o.known}
	key := loginKey(s.host)
	start := time.Now()
	if remote, ok := ai.recorded(key); ok {
		tracePhase(s.log, "agent_check", start, slog.String("by", remote.how))
		s.rehashed = func() { ai.known.forget(key) } // changed, yet the right bytes: learn it again
		err := s.startAgent(ctx, o, remote)
		if err == nil {
			return nil
		}
		// It failed its check (exit 97), or something else went wrong:
		// forget it and take the long way, which reports what is wrong.
		s.log.Debug("agent start by its recorded fingerprint failed; checking it", "err", err)
		ai.known.forget(key)
		s.stopAgent()
		start = time.Now()
	}
	remote, err := ai.install(ctx, s.client, key)
	tracePhase(s.log, "agent_check", start, slog.String("by", remote.how))
	if err != nil {
		return fmt.Errorf("install agent: %w", err)
	}
	return s.startAgent(ctx, o, remote)
}

// startAgent starts the verified agent and greets it.
func (s *hostSession) startAgent(ctx context.Context, o sessionOptions, remote remoteAgent) error {
	// The agent lives as long as the session, not the command's ctx: a
	// first Ctrl-C cancels ctx but lets in-flight steps finish (plan.Run),
	// and they need their agent. Close ends it; so does process exit.
	start := time.Now()
	proc, err := s.client.Start(context.WithoutCancel(ctx), agentShellCommand(remote, s.host.SSH.Sudo))
	if err != nil {
		return fmt.Errorf("start agent: %w", err)
	}
	tracePhase(s.log, "agent_start", start)
	s.proc = proc
	go s.drainStderr(proc.Stderr, s.stderr)
	s.agent = agent.NewClient(proc.Stdin, proc.Stdout)
	start = time.Now()
	hello, err := s.agent.Hello(ctx, agent.HelloArgs{App: o.app, Controller: o.identity,
		IdleTimeout: appspec.Duration(agentIdleTimeout(s.host.SSH.Keepalive))})
	tracePhase(s.log, "hello", start)
	if err != nil {
		return fmt.Errorf("%w%s", err, s.stderr.suffix()) // err names the op
	}
	s.hello = hello
	return nil
}

// stopAgent ends a started agent before another start.
func (s *hostSession) stopAgent() {
	if s.agent != nil {
		_ = s.agent.Close()
	}
	if s.proc != nil {
		_ = s.proc.Close()
	}
	s.agent, s.proc, s.stderr = nil, nil, newTailBuffer(40)
}

// agentShellCommand verifies the agent binary right before exec'ing it, so
// a file changed on the host since it was verified never runs: by its
// checksum, or, when the controller knows its fingerprint (remote.stat),
// by comparing that and hashing only when it differs (DESIGN.md, "The
// agent binary's fingerprint"). Exit code 97 marks a checksum failure.
// Under sudo the path is made absolute from the login's $HOME (where SFTP
// put it): sudoers rules name commands by absolute path
// (`/home/deploy/.fleet/bin/fleet-* agent serve`), and giving one keeps the
// match from depending on how a sudo resolves a relative one.
func agentShellCommand(remote remoteAgent, sudo bool) string {
	check := sha256Check(remote) + " || exit 97"
	if remote.stat != "" {
		check = fmt.Sprintf(`[ "$(stat -L -c %s -- %s 2>/dev/null)" = %s ] || { %s; echo %s >&2; }`,
			transport.Quote(statFormat), transport.Quote(remote.path), transport.Quote(remote.stat), check,
			transport.Quote(agentRehashed))
	}
	run := "exec " + transport.Quote(remote.path) + " agent serve"
	if sudo {
		run = `exec sudo -n -- "$HOME"/` + transport.Quote(remote.path) + " agent serve"
	}
	return check + "; " + run
}

func (s *hostSession) drainStderr(r io.Reader, stderr *tailBuffer) {
	sc := bufio.NewScanner(r)
	// The buffer starts small (4 KiB, grown as lines need): a controller
	// holds one per host for the whole command, and the agent's lines are
	// short.
	sc.Buffer(nil, 1024*1024)
	for sc.Scan() {
		line := sc.Text()
		if line == agentRehashed && s.rehashed != nil {
			s.rehashed()
		}
		stderr.add(line)
		relayAgentLine(s.log, line)
	}
}

// Close ends the agent session (which releases the host's lock) and the
// connection.
func (s *hostSession) Close() error {
	var errs []error
	if s.agent != nil {
		errs = append(errs, s.agent.Close())
	}
	if s.proc != nil {
		errs = append(errs, s.proc.Close())
	}
	if s.client != nil {
		errs = append(errs, s.client.Close())
	}
	return errors.Join(errs...)
}

func sshConfig(s inventory.SSH, log *slog.Logger) transport.Config {
	mode := transport.HostKeyStrict
	if s.HostKeyCheck == "accept-new" {
		mode = transport.HostKeyAcceptNew
	}
	return transport.Config{
		User:           s.User,
		Port:           s.Port,
		IdentityFiles:  s.IdentityFiles,
		UseAgent:       os.Getenv("SSH_AUTH_SOCK") != "",
		KnownHostsFile: s.KnownHosts,
		HostKeyMode:    mode,
		Jump:           s.Jump,
		ConnectTimeout: s.ConnectTimeout,
		Keepalive:      keepalive(s.Keepalive),
		SSHConfigFile:  s.Config,
		Logger:         log,
	}
}

// tailBuffer keeps the last lines of the agent's stderr for error messages.
type tailBuffer struct {
	mu    sync.Mutex
	max   int
	lines []string
}

func newTailBuffer(max int) *tailBuffer { return &tailBuffer{max: max} }

func (t *tailBuffer) add(line string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.lines = append(t.lines, line)
	if len(t.lines) > t.max {
		t.lines = t.lines[len(t.lines)-t.max:]
	}
}

// suffix renders the kept lines as an error-message tail, or nothing.
func (t *tailBuffer) suffix() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	if len(t.lines) == 0 {
		return ""
	}
	return "\nagent stderr:\n  " + strings.Join(t.lines, "\n  ")
}

// lockError keeps the agent's refusal, which names the holder (user,
// machine, pid, rollout, since, command), so whoever was refused knows whom
// to ask.
func lockError(err error) error {
	return fmt.Errorf("lock: %w", err)
}

// agentIdleTimeout is how long the agent waits without hearing from this
// controller (requests or heartbeats, sent every quarter of it) before it
// ends the session and frees the lock: a vanished controller (laptop
// asleep, network gone, ^Z) must not hold the lock for TCP keepalive's
// ~2 h. It follows ssh.keepalive, the inventory's word for how quickly a
// dead peer should be noticed: four intervals, at least 10 s so a busy
// controller's late heartbeat is no false alarm. keepalive 0 turns it off.
func agentIdleTimeout(keepalive time.Duration) time.Duration {
	if keepalive <= 0 {
		return 0
	}
	return max(4*keepalive, 10*time.Second)
}

// keepalive maps the inventory's 0 (off) to the transport's negative (off);
// the transport reads 0 as "default".
func keepalive(d time.Duration) time.Duration {
	if d == 0 {
		return -1
	}
	return d
}
