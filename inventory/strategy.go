package inventory

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// Strategy is how fast a rollout goes. The three amounts are kept as
// written, a count ("3") or a percentage ("25%"), because only plan knows
// the number of targets to resolve a percentage against; Parse checks
// their syntax.
type Strategy struct {
	MaxUnavailable string // hosts out of service at once; default "1"
	MaxSurge       string // extra instances started next to the old ones, on hosts with slots; default "0"
	MaxFailures    string // failed hosts tolerated before stopping; default "0"
	AutoRollback   bool   // default true
	Parallel       int    // hosts connected and staged at once; default 20
	// Stage is when the release is uploaded: StageBefore (every host
	// holds it before any host changes) or StageAhead (every host is
	// checked first, then uploads run while the rollout activates hosts).
	Stage string
	// Distribute is DistributeController ("" too, the default) or
	// DistributePeers: the controller uploads to Seeds hosts, which serve
	// it to the others on a port of PeerPorts. Zero Seeds and PeerPorts
	// are the defaults (SeedCount, PeerPortRange).
	Distribute string
	Seeds      int
	PeerPorts  PortRange

	Canary           string        // hosts updated first, a count or percentage; default "0" (no canary)
	CanaryBake       time.Duration // how long the canaries stay healthy before the rest go; default 0
	PauseAfterCanary bool          // stop after the canaries until the user resumes; default false
	BlueGreen        bool          // switch between the two slots on hosts with slots; requires app.slots
	// RefuseDirty refuses to roll out an artifact whose Go build info says
	// it was built from a git tree with uncommitted changes; default false.
	RefuseDirty bool

	// CanaryAnalysis is an analysis run once the canary hosts are healthy
	// (after CanaryBake, if set) and before the rest go: a failure rolls
	// the canary back as a failed bake does. Nil for none; it needs a
	// canary, and takes no Steps (write an analysis step there).
	CanaryAnalysis *AnalysisStep

	// Steps make the rollout a gray release: the canary hosts take the
	// release, then a growing share of traffic through Consul weights,
	// with pauses and analyses between; nil for none. They need
	// app.consul and a canary, and do not combine with blue_green,
	// canary_bake or pause_after_canary. See Step.
	Steps []Step

	// Rollback is how a rollback goes (strategy.rollback).
	Rollback RollbackStrategy

	// ConfirmAbove is the share of the fleet (a count or percentage) a
	// command run from a terminal may change without asking; "" when
	// unset, and cmd/fleet then uses its own default.
	ConfirmAbove string
}

// RollbackStrategy is strategy.rollback: a rollback's own window, and how
// long a full rollback may take before fleet plan warns.
type RollbackStrategy struct {
	// MaxUnavailable is a rollback's max_unavailable (fleet rollback and
	// the automatic one), a count of at least 1 or a percentage above 0%;
	// "" when unset: the strategy's max_unavailable.
	MaxUnavailable string
	// WarnAfter is the bound fleet plan compares its estimate of a full
	// rollback with, above 0; 0 when unset: DefaultRollbackWarnAfter.
	WarnAfter time.Duration
}

const defaultParallel = 20

// DefaultRollbackWarnAfter is strategy.rollback.warn_after when unset.
const DefaultRollbackWarnAfter = 5 * time.Minute

var rollbackFields = []string{"max_unavailable", "warn_after"}

// rollback decodes strategy.rollback.
func (d *decoder) rollback(n *yaml.Node, a at) RollbackStrategy {
	var r RollbackStrategy
	f := d.fields(n, a, rollbackFields...)
	setIf(&r.MaxUnavailable, optional(d, f, "max_unavailable", a, d.amount, validRollbackAmount))
	setIf(&r.WarnAfter, optional(d, f, "warn_after", a, d.duration, validWarnAfter))
	return r
}

func validWarnAfter(v time.Duration) error {
	if v <= 0 {
		return errors.New("must be above 0, such as 5m")
	}
	return nil
}

// validRollbackAmount is validAmount above 0: a rollback that lets no
// host out of service would need every host to surge.
func validRollbackAmount(s string) error {
	if err := validAmount(s); err != nil {
		return err
	}
	if isZeroAmount(s) {
		return fmt.Errorf("must be at least 1 or a percentage above 0%%, got %q: a rollback takes hosts out of service", s)
	}
	return nil
}

// When a rollout uploads the release (Strategy.Stage).
const (
	StageBefore = "before"
	StageAhead  = "ahead"
)

var strategyFields = []string{"max_unavailable", "max_surge", "max_failures", "auto_rollback", "parallel", "stage",
	"canary", "canary_bake", "pause_after_canary", "canary_analysis", "blue_green", "confirm_above", "steps", "refuse_dirty", "rollback",
	"distribute", "seeds", "peer_port"}

func (d *decoder) strategy(n, parent *yaml.Node, a at, slots slotRules, sc stepContext) Strategy {
	f := d.fields(n, a, strategyFields...)
	s := Strategy{MaxUnavailable: "1", MaxSurge: "0", MaxFailures: "0", AutoRollback: true, Parallel: defaultParallel,
		Stage: StageBefore, Canary: "0"}
	unavailable := optional(d, f, "max_unavailable", a, d.amount, validAmount)
	surge := optional(d, f, "max_surge", a, d.amount, validAmount)
	setIf(&s.MaxUnavailable, unavailable)
	setIf(&s.MaxSurge, surge)
	setIf(&s.MaxFailures, optional(d, f, "max_failures", a, d.amount, validAmount))
	setIf(&s.AutoRollback, optional(d, f, "auto_rollback", a, d.boolean, nil))
	setIf(&s.Parallel, optional(d, f, "parallel", a, d.integer, validParallel))
	setIf(&s.Stage, optional(d, f, "stage", a, d.str, ValidStage))
	d.peers(f, a, &s)
	// The defaults are 1 and 0, so only a value the user wrote can make
	// both zero, and the error points at it.
	if settled(f, "max_unavailable", unavailable) && settled(f, "max_surge", surge) &&
		isZeroAmount(s.MaxUnavailable) && isZeroAmount(s.MaxSurge) {
		where, field := f["max_unavailable"], "max_unavailable"
		if unavailable == nil {
			where, field = f["max_surge"], "max_surge"
		}
		d.errorf(orAt(where, orAt(n, parent)), a.key(field),
			"max_unavailable and max_surge are both 0, so no host could ever be updated")
	}
	d.canary(f, a, &s)
	setIf(&s.ConfirmAbove, optional(d, f, "confirm_above", a, d.amount, validAmount))
	setIf(&s.BlueGreen, optional(d, f, "blue_green", a, d.boolean, nil))
	setIf(&s.RefuseDirty, optional(d, f, "refuse_dirty", a, d.boolean, nil))
	if s.BlueGreen && !slots.written {
		d.errorf(Deref(f["blue_green"]), a.key("blue_green"), "needs app.slots: blue/green flips between two instances per host")
	}
	if sn, ok := f["steps"]; ok {
		s.Steps = d.steps(sn, a.key("steps"), sc)
		d.stepRules(f, a, s, sc)
	}
	d.canaryAnalysis(f, a, &s, sc)
	s.Rollback = d.rollback(f["rollback"], a.key("rollback"))
	return s
}

// canaryAnalysis decodes canary_analysis, which has the forms of an
// analysis step. Like a bake, it needs a canary to judge.
func (d *decoder) canaryAnalysis(f map[string]*yaml.Node, a at, s *Strategy, sc stepContext) {
	n, ok := f["canary_analysis"]
	if !ok {
		return
	}
	s.CanaryAnalysis = d.stepAnalysis(n, a.key("canary_analysis"), sc)
	if isZeroAmount(s.Canary) {
		d.errorf(Deref(n), a.key("canary_analysis"), "is set, but canary is %s, so there is nothing to analyse; set canary", s.Canary)
	}
	if _, steps := f["steps"]; steps {
		d.errorf(Deref(n), a.key("canary_analysis"), "with steps, analyse with a step: - analysis: <template>")
	}
}

// stepRules refuses what steps cannot be combined with: traffic moves by
// Consul weights, to a canary, and the steps say when to wait.
func (d *decoder) stepRules(f map[string]*yaml.Node, a at, s Strategy, sc stepContext) {
	sn := Deref(f["steps"])
	if !sc.consulWritten {
		d.errorf(sn, a.key("steps"), "need app.consul: fleet sets each step's share of traffic through the instances' Consul weights")
	}
	if cn, set := f["canary"]; !set {
		d.errorf(sn, a.key("steps"), "move traffic to the canary hosts, but there are none; set canary (a count or percentage of the hosts)")
	} else if isZeroAmount(s.Canary) {
		d.errorf(Deref(cn), a.key("canary"), "is %s, but steps move traffic to the canary hosts; set a count or percentage above 0", s.Canary)
	}
	if s.BlueGreen {
		d.errorf(Deref(f["blue_green"]), a.key("blue_green"), "cannot be combined with steps yet: a gray release moves traffic between hosts, not between a host's slots")
	}
	if s.PauseAfterCanary {
		d.errorf(Deref(f["pause_after_canary"]), a.key("pause_after_canary"), "with steps, pause with a step: - pause: {} waits for fleet promote")
	}
	if s.CanaryBake > 0 {
		d.errorf(Deref(f["canary_bake"]), a.key("canary_bake"), "with steps, wait with a step such as - pause: %s", s.CanaryBake)
	}
}

// canary decodes the canary settings. Baking or pausing after a canary
// of 0 hosts would wait on nothing, so either without a canary is an error.
func (d *decoder) canary(f map[string]*yaml.Node, a at, s *Strategy) {
	canary := optional(d, f, "canary", a, d.amount, validAmount)
	setIf(&s.Canary, canary)
	setIf(&s.CanaryBake, optional(d, f, "canary_bake", a, d.duration, nil))
	setIf(&s.PauseAfterCanary, optional(d, f, "pause_after_canary", a, d.boolean, nil))
	if !settled(f, "canary", canary) || !isZeroAmount(s.Canary) {
		return
	}
	if s.CanaryBake > 0 {
		d.errorf(Deref(f["canary_bake"]), a.key("canary_bake"), "is set, but canary is %s, so there is nothing to bake; set canary", s.Canary)
	}
	if s.PauseAfterCanary {
		d.errorf(Deref(f["pause_after_canary"]), a.key("pause_after_canary"), "is true, but canary is %s, so there is nothing to pause after; set canary", s.Canary)
	}
}

// amount reads a count or percentage. YAML gives `3` as an integer and
// `25%` as a string; both are kept as their text.
func (d *decoder) amount(n *yaml.Node, a at) (string, bool) {
	n = Deref(n)
	if n == nil || n.Kind != yaml.ScalarNode || (n.ShortTag() != "!!int" && n.ShortTag() != "!!str") {
		d.errorf(n, a, "must be a count such as 1 or a percentage such as 25%%, got %s", describe(n))
		return "", false
	}
	return n.Value, true
}

func validAmount(s string) error {
	digits, percent := strings.CutSuffix(s, "%")
	if strings.HasPrefix(digits, "-") {
		return fmt.Errorf("must not be negative, got %q", s)
	}
	if digits == "" || strings.Trim(digits, "0123456789") != "" {
		return fmt.Errorf("must be a count such as 1 or a percentage such as 25%%, got %q", s)
	}
	v, err := strconv.Atoi(digits)
	if err != nil {
		return fmt.Errorf("is too large: %q", s)
	}
	if percent && v > 100 {
		return fmt.Errorf("must be at most 100%%, got %q", s)
	}
	return nil
}

func isZeroAmount(s string) bool {
	digits, _ := strings.CutSuffix(s, "%")
	v, err := strconv.Atoi(digits)
	return err == nil && v == 0
}

func validParallel(p int) error {
	if p < 1 {
		return errors.New("must be at least 1")
	}
	return nil
}

// ValidStage accepts the values of Strategy.Stage.
func ValidStage(s string) error {
	if s != StageBefore && s != StageAhead {
		return fmt.Errorf("must be %s or %s, got %q", StageBefore, StageAhead, s)
	}
	return nil
}
