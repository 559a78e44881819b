package deploy

import (
	"errors"

	"github.com/fleetdeploy/fleet/plan"
)

// hostErrors flattens a joined error into its per-host errors.
func hostErrors(err error) []*plan.HostError {
	if err == nil {
		return nil
	}
	var he *plan.HostError
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		var out []*plan.HostError
		for _, e := range j.Unwrap() {
			out = append(out, hostErrors(e)...)
		}
		return out
	}
	if errors.As(err, &he) {
		return []*plan.HostError{he}
	}
	return nil
}
