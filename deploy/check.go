package deploy

import (
	"bufio"
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/fleetdeploy/fleet/agent"
	"github.com/fleetdeploy/fleet/inventory"
	"github.com/fleetdeploy/fleet/transport"
)

// CheckReport is fleet check's answer: per selected host, in inventory
// order, what was read and the problems found.
type CheckReport struct {
	Hosts []HostCheck `json:"hosts"`
}

// HostCheck is one host's check.
type HostCheck struct {
	Host string `json:"host"`
	// Identity is the key the SSH login used (a file, or an ssh-agent key
	// by comment and fingerprint); "" when the login failed.
	Identity string `json:"identity,omitempty"`
	Machine  string `json:"machine,omitempty"` // uname -m
	// Root: the agent ran as root (directly or by sudo); the facts of an
	// agent that ran without root (sudo refused) are what its user can read.
	Root      bool             `json:"root"`
	Facts     *agent.HostCheck `json:"facts,omitempty"`
	ClockSkew time.Duration    `json:"clock_skew_ns,omitempty"` // host minus controller, beyond the round trip
	Problems  []Problem        `json:"problems"`
}

// Problems is every host's problems, hosts in order.
func (r CheckReport) Problems() []Problem {
	var out []Problem
	for _, h := range r.Hosts {
		out = append(out, h.Problems...)
	}
	return out
}

// Check reads, per selected host and in parallel, what a rollout needs
// of it (CheckKind lists what), and says what is wrong and what to do.
// It takes no lock and changes nothing on the hosts but one thing: like
// every command, it puts the verified agent binary into the SSH user's
// ~/.fleet/bin when it is not there yet (the agent is what reads the
// host). An error is a spec the hosts could not be asked about.
func Check(ctx context.Context, o Options) (CheckReport, error) {
	t := newTarget(o)
	spec, err := appSpec(t.inv.App)
	if err != nil {
		return CheckReport{}, fmt.Errorf("%s: %w", t.inv.File, err)
	}
	c := checker{t: t, args: agent.CheckArgs{App: spec, ReleaseSize: o.Artifact.Size}, sums: &fileSums{}, now: time.Now}
	rep := CheckReport{Hosts: make([]HostCheck, len(t.hosts))}
	g := new(errgroup.Group)
	g.SetLimit(max(t.inv.Strategy.Parallel, 1))
	for i, h := range t.hosts {
		g.Go(func() error {
			rep.Hosts[i] = c.host(ctx, h)
			return nil
		})
	}
	_ = g.Wait()
	return rep, nil
}

// checker is one Check call's shared parts.
type checker struct {
	t    *target
	args agent.CheckArgs
	sums *fileSums
	now  func() time.Time
}

// identified is a connection that can say which key it logged in with
// (*transport.Client).
type identified interface{ Identity() transport.Identity }

// host checks one host, stopping at the first step the rest needs.
func (c checker) host(ctx context.Context, h inventory.Host) HostCheck {
	hc := HostCheck{Host: h.Name, Problems: []Problem{}}
	log := c.t.log.With(slog.String("host", h.Name))
	conn, err := c.t.dialer.Dial(ctx, h.Address, sshConfig(h.SSH, log))
	if err != nil {
		hc.add(dialProblem(h, err))
		return hc
	}
	defer conn.Close()
	if id, ok := conn.(identified); ok {
		hc.Identity = id.Identity().String()
	}
	remote, ok := c.installAgent(ctx, conn, &hc)
	if !ok {
		return hc
	}
	sudo := h.SSH.Sudo
	if sudo {
		if p, refused := sudoProblem(ctx, conn, remote); refused {
			hc.add(p)
			sudo = false // read what the SSH user can
		}
	}
	t0 := c.now()
	facts, err := runCheck(ctx, conn, remote, sudo, c.args, log)
	t1 := c.now()
	if err != nil {
		hc.add(Problem{Check: CheckAgent, What: "the agent did not answer: " + err.Error(),
			Fix: "run fleet check --log-level debug and read the agent's stderr"})
		return hc
	}
	hc.Facts, hc.Root = &facts, facts.User == "root"
	hc.ClockSkew = skew(facts.Time, t0, t1)
	for _, p := range judge(h, facts, hc.ClockSkew, len(hc.Problems) > 0) {
		hc.add(p)
	}
	return hc
}

// installAgent learns the host's architecture and puts the verified agent
// there unless it already is.
func (c checker) installAgent(ctx context.Context, conn Conn, hc *HostCheck) (remoteAgent, bool) {
	var uname strings.Builder
	if err := conn.Run(ctx, "uname -m", nil, &uname, nil); err != nil {
		hc.add(Problem{Check: CheckSSH, What: "uname -m: " + err.Error(), Fix: "check that the SSH user has a working shell on the host"})
		return remoteAgent{}, false
	}
	hc.Machine = strings.TrimSpace(uname.String())
	if _, err := goarchOf(hc.Machine); err != nil {
		hc.add(Problem{Check: CheckArch, What: fmt.Sprintf("machine %q: fleet's agent does not run on it", hc.Machine),
			Fix: "leave the host out (-l/--limit): the agent runs on Linux amd64, arm64, arm, riscv64, ppc64le and s390x"})
		return remoteAgent{}, false
	}
	remote, err := installAgent(ctx, conn, c.t.agentBinary, c.sums)
	if err != nil {
		hc.add(Problem{Check: CheckAgent, What: "install agent: " + err.Error(),
			Fix: "the agent goes to ~/.fleet/bin of the SSH user: give that user a writable home, or pass --agent-binary"})
		return remoteAgent{}, false
	}
	return remote, true
}

// runCheck starts the agent (by sudo -n when sudo), asks check and ends it.
func runCheck(ctx context.Context, conn Conn, remote remoteAgent, sudo bool, args agent.CheckArgs, log *slog.Logger) (agent.HostCheck, error) {
	proc, err := conn.Start(ctx, agentShellCommand(remote, sudo))
	if err != nil {
		return agent.HostCheck{}, fmt.Errorf("start agent: %w", err)
	}
	stderr := newTailBuffer(20)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		sc := bufio.NewScanner(proc.Stderr)
		for sc.Scan() {
			stderr.add(sc.Text())
			relayAgentLine(log, sc.Text())
		}
	}()
	client := agent.NewClient(proc.Stdin, proc.Stdout)
	facts, err := client.Check(ctx, args)
	_ = client.Close()
	_ = proc.Close()
	wg.Wait()
	if err != nil {
		return facts, fmt.Errorf("%w%s", err, stderr.suffix())
	}
	return facts, nil
}

// skew is how far the host's clock is off the controller's: 0 when the
// host's time lies within the round trip [t0, t1].
func skew(host, t0, t1 time.Time) time.Duration {
	switch {
	case host.Before(t0):
		return host.Sub(t0)
	case host.After(t1):
		return host.Sub(t1)
	}
	return 0
}
