package deploy

import (
	"context"
	"log/slog"
	"time"

	"github.com/fleetdeploy/fleet/analysis"
	"github.com/fleetdeploy/fleet/inventory"
	"github.com/fleetdeploy/fleet/plan"
	"github.com/fleetdeploy/fleet/transport"
)

// Options is what every call of this package takes. The fields after
// Confirm are read only by the calls their comments name.
type Options struct {
	// Inventory is the loaded inventory: the app, ssh and strategy
	// settings, and every host of the fleet (selected or not: a
	// confirmation counts them).
	Inventory *inventory.Inventory
	// Hosts are the selected hosts, the ones the call acts on.
	Hosts []inventory.Host
	// Dialer opens the SSH connections; cmd/fleet gives transport's.
	Dialer Dialer
	// AgentBinary overrides the fleet binary uploaded as the agent
	// (--agent-binary); "" finds one for the host's architecture.
	AgentBinary string
	// AgentCache is the file where the controller records, per host, the
	// agent binary it verified there and its fingerprint, so that the next
	// run need not hash it (AgentCachePath; DESIGN.md). "" hashes every time.
	AgentCache string
	// RepoDir is the git repository a changelog is read from (the
	// controller's current directory): the commits between the revision
	// each host runs and the new one. "" = no changelog.
	RepoDir string
	// CommandLine is the command line, for the lock holder and the
	// hosts' journals.
	CommandLine string
	// Logger gets the logs; nil discards them.
	Logger *slog.Logger
	// Events gets the progress; nil drops it.
	Events Sink
	// Now is the clock for durations and progress; nil is time.Now.
	Now func() time.Time
	// UploadProgressEvery is how often an upload reports its progress
	// (upload_progress); 0 is every second.
	UploadProgressEvery time.Duration
	// Confirm, when set, is asked once the plan of a change is known and
	// before anything changes; an error stops the call with nothing
	// changed. what names the change ("rollout of v2", "rollback").
	Confirm func(p plan.Plan, what string) error
	// Downgrade, when set, is asked before a rollout (not a rollback or a
	// promote) moves hosts to an earlier semantic version (VersionChange);
	// an error refuses the rollout with nothing changed. what says which
	// hosts. nil lets downgrades go.
	Downgrade func(what string) error

	// Strategy is the rollout's limits (Rollout, Promote, Rollback,
	// RollbackPlan, Plan).
	Strategy plan.Strategy
	// Canary is how a rollout's canary wave ends (Rollout).
	Canary Canary
	// Artifact is the release to upload (Rollout, Plan).
	Artifact Artifact
	// ChangeNote says why the run happens (-m/--message): journalled on
	// every host, in Consul meta (change_note), rollout_started and the
	// report; "" for none (Rollout, Rollback, Promote).
	ChangeNote string
	// RefuseDirty refuses an Artifact built from a dirty git tree
	// (ErrDirtyBuild) before any host is contacted (Rollout).
	RefuseDirty bool
	// AbandonPaused lets a rollout go over one paused after its canary
	// (Rollout).
	AbandonPaused bool
	// To is the version to return to; "" reads it from the hosts'
	// journals (Rollback, RollbackPlan).
	To string
	// Querier answers a gray release's (and canary_analysis') metric
	// queries; cmd/fleet gives Prometheus's for app.analysis.prometheus.
	// nil refuses a rollout that has an analysis (Rollout, Promote).
	Querier analysis.Querier
	// Clock times analyses and timed pauses; nil is the real clock.
	Clock analysis.Clock
	// JournalEntries is how many of each host's latest journal entries to
	// read, 1 to 1000 (History).
	JournalEntries int
}

// Canary is how the controller ends a canary wave: watch its health for
// Bake, then go on, or stop (Pause) until Promote or Rollback.
type Canary struct {
	Bake  time.Duration
	Pause bool
}

// Conn is what deploy uses of one host's SSH connection: commands and
// file operations (transport.Conn, which *transport.Client implements and
// transporttest.Conn fakes, recording), and the long-lived agent process.
type Conn interface {
	transport.Conn
	// Start runs cmd in its own session and returns at once; see
	// transport.Client.Start.
	Start(ctx context.Context, cmd string) (*transport.Process, error)
}

// Dialer opens one host's SSH connection. host is the inventory's
// address; cfg comes from the host's ssh settings.
type Dialer interface {
	Dial(ctx context.Context, host string, cfg transport.Config) (Conn, error)
}
