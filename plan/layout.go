package plan

// line is one target in execution order, with the mode chosen for it
// ("" when it has nothing to do).
type line struct {
	Target
	mode Mode
}

// layout is a plan's resolved limits.
type layout struct {
	window int // in-place pool: MaxUnavailable resolved
	surge  int // surge pool: MaxSurge resolved
	budget int // MaxFailures resolved
	canary int // the first canary hosts to update form wave 1
}

// capacity is the size of pool (poolInPlace or poolSurge) for waves. A
// pool of 0 holds no host of its mode in a plan Compute made; a plan
// built by hand runs such hosts one at a time, and is laid out so.
func (l layout) capacity(pool int) int {
	if pool == poolSurge {
		return max(l.surge, 1)
	}
	return max(l.window, 1)
}

// The two pools a host can take a token from, by mode.
const (
	poolInPlace = iota
	poolSurge
)

// poolOf is the pool of a host changing in mode m; anything but
// ModeSurge (including "" in a plan built by hand) goes in place.
func poolOf(m Mode) int {
	if m == ModeSurge {
		return poolSurge
	}
	return poolInPlace
}

// reasonFunc words the Reason of a host to update, once the waves are
// known; canary says the host is in the canary wave.
type reasonFunc func(hp HostPlan, waves int, canary bool) string

// assemble lays out lines (already in execution order) into a Plan:
// actions, modes, the canary, waves, and reasons. A wave closes when the
// next host's pool is full in it, or at the end of the canary.
func assemble(kind Kind, s Strategy, ordered []line, l layout, reason reasonFunc) Plan {
	p := Plan{Kind: kind, Strategy: s, Window: l.window, SurgeWindow: l.surge, Budget: l.budget}
	var used [2]int // hosts per pool in the current wave
	n := 0          // hosts to update so far
	for _, ln := range ordered {
		hp := HostPlan{Host: ln.Host, From: ln.From, To: ln.To, Action: ActionSkip}
		if !ln.changes() {
			hp.Reason = skipReason(ln.To)
			p.Hosts = append(p.Hosts, hp)
			continue
		}
		hp.Action, hp.Mode, hp.Slots = ActionUpdate, ln.mode, ln.Slots
		pool := poolOf(ln.mode)
		inCanary := n < l.canary
		if n == 0 || n == l.canary || (!inCanary && used[pool] >= l.capacity(pool)) {
			p.Waves = append(p.Waves, nil)
			used = [2]int{}
		}
		used[pool]++
		n++
		if inCanary {
			p.Canary = append(p.Canary, ln.Host)
		}
		hp.Wave = len(p.Waves)
		p.Waves[hp.Wave-1] = append(p.Waves[hp.Wave-1], ln.Host)
		p.Hosts = append(p.Hosts, hp)
	}
	for i, hp := range p.Hosts {
		if hp.Action == ActionUpdate {
			p.Hosts[i].Reason = reason(hp, len(p.Waves), l.canary > 0 && hp.Wave == 1)
		}
	}
	return p
}

// countChanges counts the lines that change their host.
func countChanges(lines []line) int {
	n := 0
	for _, ln := range lines {
		if ln.changes() {
			n++
		}
	}
	return n
}
