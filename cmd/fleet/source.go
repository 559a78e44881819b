package main

import (
	"github.com/urfave/cli/v2"

	"github.com/fleetdeploy/fleet/deploy"
)

func sourceFlags() []cli.Flag {
	const cat = "Inventory source:"
	return []cli.Flag{
		&cli.StringFlag{Name: "app", EnvVars: []string{"FLEET_APP"}, Category: cat, Usage: "app, ssh and strategy settings (a fleet.yaml without groups) when the hosts come from an Ansible inventory or the Consul catalog"},
		&cli.StringFlag{Name: "consul-catalog", EnvVars: []string{"FLEET_CONSUL_CATALOG"}, Category: cat, Usage: "take the hosts from this Consul agent's catalog (http://host:8500) instead of --inventory"},
		&cli.StringFlag{Name: "consul-service", EnvVars: []string{"FLEET_CONSUL_SERVICE"}, Category: cat, Usage: "the nodes running this service"},
		&cli.StringFlag{Name: "consul-tag", EnvVars: []string{"FLEET_CONSUL_TAG"}, Category: cat, Usage: "only instances of the service with this tag"},
		&cli.StringFlag{Name: "consul-node-meta", EnvVars: []string{"FLEET_CONSUL_NODE_META"}, Category: cat, Usage: "only nodes with this metadata: k=v, comma-separated"},
		&cli.StringFlag{Name: "consul-datacenter", EnvVars: []string{"FLEET_CONSUL_DATACENTER"}, Category: cat, Usage: "the catalog's datacenter (default: the agent's)"},
		&cli.StringFlag{Name: "consul-token-file", EnvVars: []string{"FLEET_CONSUL_TOKEN_FILE"}, Category: cat, Usage: "file holding the ACL token for the catalog (else CONSUL_HTTP_TOKEN)"},
	}
}

// loadSource reads the hosts from where the flags say: the catalog, an
// Ansible inventory or a fleet.yaml (deploy.LoadSource).
func loadSource(c *cli.Context) (*deploy.Source, error) {
	return deploy.LoadSource(c.Context, deploy.SourceOptions{
		Inventory:        c.String("inventory"),
		App:              c.String("app"),
		ConsulCatalog:    c.String("consul-catalog"),
		ConsulService:    c.String("consul-service"),
		ConsulTag:        c.String("consul-tag"),
		ConsulNodeMeta:   c.String("consul-node-meta"),
		ConsulDatacenter: c.String("consul-datacenter"),
		ConsulTokenFile:  c.String("consul-token-file"),
	})
}
