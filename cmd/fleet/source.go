package main

import (
	"log/slog"

	"github.com/urfave/cli/v2"

	"github.com/fleetdeploy/fleet/deploy"
	"github.com/fleetdeploy/fleet/render"
)

func sourceFlags() []cli.Flag {
	const cat = "Inventory source:"
	return []cli.Flag{
		&cli.StringFlag{Name: "app", EnvVars: []string{"FLEET_APP"}, Category: cat, Usage: "app, ssh and strategy settings (a fleet.yaml without groups) when the hosts come from an Ansible inventory or the Consul catalog"},
		&cli.BoolFlag{Name: "skip-non-ssh", EnvVars: []string{"FLEET_SKIP_NON_SSH"}, Category: cat, Usage: "Ansible: leave out, with a warning each, the selected hosts whose ansible_connection is not SSH (local, docker, winrm, …) instead of refusing them"},
		&cli.StringFlag{Name: "consul-catalog", EnvVars: []string{"FLEET_CONSUL_CATALOG"}, Category: cat, Usage: "take the hosts from this Consul agent's catalog (http://host:8500) instead of --inventory"},
		&cli.StringFlag{Name: "consul-service", EnvVars: []string{"FLEET_CONSUL_SERVICE"}, Category: cat, Usage: "the nodes running this service"},
		&cli.StringFlag{Name: "consul-tag", EnvVars: []string{"FLEET_CONSUL_TAG"}, Category: cat, Usage: "only instances of the service with this tag"},
		&cli.StringFlag{Name: "consul-node-meta", EnvVars: []string{"FLEET_CONSUL_NODE_META"}, Category: cat, Usage: "only nodes with this metadata: k=v, comma-separated"},
		&cli.StringFlag{Name: "consul-datacenter", EnvVars: []string{"FLEET_CONSUL_DATACENTER"}, Category: cat, Usage: "the catalog's datacenter (default: the agent's)"},
		&cli.StringFlag{Name: "consul-token-file", EnvVars: []string{"FLEET_CONSUL_TOKEN_FILE"}, Category: cat, Usage: "file holding the ACL token for the catalog (else CONSUL_HTTP_TOKEN)"},
	}
}

// loadSource reads the hosts from where the flags say: the catalog, an
// Ansible inventory or a fleet.yaml (deploy.LoadSource), and logs the
// source's warnings once.
func loadSource(c *cli.Context) (*deploy.Source, error) {
	src, err := deploy.LoadSource(c.Context, deploy.SourceOptions{
		Inventory:        c.String("inventory"),
		App:              c.String("app"),
		Limit:            c.String("limit"),
		SkipNonSSH:       c.Bool("skip-non-ssh"),
		ConsulCatalog:    c.String("consul-catalog"),
		ConsulService:    c.String("consul-service"),
		ConsulTag:        c.String("consul-tag"),
		ConsulNodeMeta:   c.String("consul-node-meta"),
		ConsulDatacenter: c.String("consul-datacenter"),
		ConsulTokenFile:  c.String("consul-token-file"),
	})
	if err != nil || len(src.Warnings) == 0 {
		return src, err
	}
	log, err := render.NewLogger(c.App.ErrWriter, c.String("log-level"), c.String("log-format"))
	if err != nil {
		return nil, err
	}
	logSourceWarnings(log, src.Warnings)
	return src, nil
}

// logSourceWarnings logs what the source asks for that fleet does not
// do, as deploy logs its other warnings. One that would weaken host
// authentication is marked SECURITY: it is never honoured, and the
// reader should know the inventory asks for it.
func logSourceWarnings(log *slog.Logger, warnings []deploy.SourceWarning) {
	for _, w := range warnings {
		if w.Security {
			log.Warn("SECURITY: " + w.Text)
			continue
		}
		log.Warn(w.Text)
	}
}
