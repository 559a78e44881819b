package deploy

import (
	"fmt"

	"github.com/fleetdeploy/fleet/agent"
	"github.com/fleetdeploy/fleet/plan"
)

// learn tells the session what its host runs and returns the host's slots
// for its target, and whether the host can surge (it runs the app's
// slots). A host that cannot still names the slot its state says serves,
// if any: an in-place step replaces that one.
func (t *target) learn(hs *hostSession, st agent.StatusResult) (plan.Slots, bool) {
	hs.learn(st)
	if !hs.host.Slots || t.inv.App.Slots == nil {
		return plan.Slots{Serving: st.Serving}, false
	}
	return slotPair(st.Serving, t.slotNames()), true
}

// slotNames are the app's slot names; none without slots.
func (t *target) slotNames() []string {
	if t.inv.App.Slots == nil {
		return nil
	}
	var names []string
	for _, s := range t.inv.App.Slots.Instances {
		names = append(names, s.Name)
	}
	return names
}

// slotPair is the serving slot ("" on a host's first deploy) and the idle
// one the next version goes to, of a host's two slots.
func slotPair(serving string, slots []string) plan.Slots {
	idle := slots[0]
	if serving == slots[0] {
		idle = slots[1]
	}
	return plan.Slots{Serving: serving, Idle: idle}
}

// unsettled: the host runs version but it never passed the gate there (a
// controller died mid-step), or its serving instance is still out of the
// load balancer. Its step runs again rather than being skipped.
func unsettled(st agent.StatusResult, version string) bool {
	if st.Current != version {
		return false
	}
	for _, r := range st.Releases {
		if r.Version == version && r.LastResult != "healthy" {
			return true
		}
	}
	for _, in := range st.Instances {
		if in.Registered && in.Maintenance && (in.Slot == "" || in.Slot == st.Serving) {
			return true
		}
	}
	return false
}

// consulReachable says whether the agent could read the host's Consul
// agent: status puts a registry failure on each instance.
func consulReachable(st agent.StatusResult) error {
	for _, in := range st.Instances {
		if in.Error != "" {
			return fmt.Errorf("consul agent unreachable, cannot drain: %s", in.Error)
		}
	}
	return nil
}
