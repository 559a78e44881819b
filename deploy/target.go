package deploy

import (
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"os"
	"os/user"
	"time"

	"github.com/fleetdeploy/fleet/agent"
	"github.com/fleetdeploy/fleet/analysis"
	"github.com/fleetdeploy/fleet/inventory"
	"github.com/fleetdeploy/fleet/plan"
)

// target is one call's hold on the selected hosts: what Options gave,
// and for a mutating call the record it fills.
type target struct {
	inv         *inventory.Inventory
	hosts       []inventory.Host
	out         *emitter
	log         *slog.Logger
	dialer      Dialer
	agentBinary string
	agentCache  string // Options.AgentCache
	cmdline     string
	changeNote  string // Options.ChangeNote
	repoDir     string // Options.RepoDir
	confirm     func(plan.Plan, string) error
	downgrade   func(string) error // Options.Downgrade
	querier     analysis.Querier   // Options.Querier
	clock       analysis.Clock     // Options.Clock
	rec         *Record            // mutating calls only
	gray        *grayRelease       // a rollout's gray release, once planned
}

func newTarget(o Options) *target {
	log := o.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &target{inv: o.Inventory, hosts: o.Hosts, out: newEmitter(o), log: log, dialer: o.Dialer,
		agentBinary: o.AgentBinary, agentCache: o.AgentCache, cmdline: redactCommandLine(o.CommandLine), changeNote: o.ChangeNote, repoDir: o.RepoDir, confirm: o.Confirm, downgrade: o.Downgrade,
		querier: o.Querier, clock: o.Clock}
}

// begin starts the record of a mutating call: every later event carries
// its id. The provenance a call found before (Promote's, from the hosts)
// is kept.
func (t *target) begin(command, id, version string) {
	rec := &Record{Command: command, ID: id, Version: version, ChangeNote: t.changeNote}
	if t.rec != nil {
		rec.Provenance = t.rec.Provenance
	}
	t.rec = rec
	t.out.setRolloutID(id)
}

// ask is Options.Confirm, when given.
func (t *target) ask(p plan.Plan, what string) error {
	if t.confirm == nil {
		return nil
	}
	return t.confirm(p, what)
}

func (t *target) hostNames() []string {
	names := make([]string, len(t.hosts))
	for i, h := range t.hosts {
		names[i] = h.Name
	}
	return names
}

// controllerIdentity says who is deploying: shown to a second controller that
// finds the lock held, and written to every host's journal.
// cmdline is the command line as run got it (os.Args in production).
func controllerIdentity(rolloutID, cmdline string) agent.Holder {
	name := "unknown"
	if u, err := user.Current(); err == nil {
		name = u.Username
	}
	machine, _ := os.Hostname()
	return agent.Holder{
		User:      name,
		Machine:   machine,
		PID:       os.Getpid(),
		Command:   cmdline,
		RolloutID: rolloutID,
		Since:     time.Now().UTC(),
	}
}

// identity is controllerIdentity with the run's change note.
func (t *target) identity(rolloutID string) agent.Holder {
	h := controllerIdentity(rolloutID, t.cmdline)
	h.ChangeNote = t.changeNote
	return h
}

func newRolloutID() string {
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return time.Now().UTC().Format("20060102T150405Z") + "-" + hex.EncodeToString(b)
}
