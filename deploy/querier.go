package deploy

import (
	"github.com/fleetdeploy/fleet/analysis"
	"github.com/fleetdeploy/fleet/analysis/prometheus"
	"github.com/fleetdeploy/fleet/inventory"
)

// QuerierFor is the Prometheus client for the inventory's analyses
// (app.analysis.prometheus), for Options.Querier; nil without one. It
// contacts nothing; a bearer token variable that is unset is an error
// here, before any host.
func QuerierFor(inv *inventory.Inventory) (analysis.Querier, error) {
	a := inv.App.Analysis
	if a == nil || a.Prometheus.Address == "" {
		return nil, nil
	}
	q, err := prometheus.New(prometheus.Config{Address: a.Prometheus.Address, Timeout: a.Prometheus.Timeout,
		BearerTokenEnv: a.Prometheus.BearerTokenEnv})
	if err != nil {
		return nil, err
	}
	return q, nil
}
