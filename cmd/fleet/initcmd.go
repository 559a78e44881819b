package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/fleetdeploy/fleet/inventory"
	"github.com/fleetdeploy/fleet/scaffold"
)

func initCommand() *cli.Command {
	env := func(name string) []string { return []string{"FLEET_INIT_" + name} }
	return &cli.Command{
		Name:  "init",
		Usage: "write a commented fleet.yaml for one service (never over an existing file) and print its systemd unit",
		Description: "Writes the file, then prints the unit to install on every host on stdout (fleet init … > hello.service)\n" +
			"and what it wrote on stderr. The hosts are the HOST words, then those --from-ssh-config finds: Host lines\n" +
			"only, not Include or Match. docs/own-hosts.md goes from here to a first rollout.",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "inventory", Aliases: []string{"i"}, Value: "fleet.yaml", EnvVars: []string{"FLEET_INVENTORY"}, Usage: "the file to write; an existing one is left alone (exit 3)"},
			&cli.StringFlag{Name: "name", EnvVars: env("NAME"), Usage: "the service: app.name, and the default binary, root and unit (default: the current directory's name)"},
			&cli.StringFlag{Name: "binary", EnvVars: env("BINARY"), Usage: "the release binary's file name on the hosts (default: --name)"},
			&cli.StringFlag{Name: "root", EnvVars: env("ROOT"), Usage: "the app root on the hosts (default: /opt/<name>)"},
			&cli.IntFlag{Name: "port", Value: scaffold.DefaultPort, EnvVars: env("PORT"), Usage: "the service's port on each host, for the health check and the unit's PORT"},
			&cli.StringFlag{Name: "health-path", Value: scaffold.DefaultHealthPath, EnvVars: env("HEALTH_PATH"), Usage: "the path that answers 200 when the service is healthy"},
			&cli.StringFlag{Name: "user", Value: scaffold.DefaultUser, EnvVars: env("USER"), Usage: "the SSH user; any but root starts fleet's agent with sudo -n (README: A non-root SSH user)"},
			&cli.StringSliceFlag{Name: "host", EnvVars: env("HOSTS"), Usage: "a host name or address, repeatable: what the HOST words give"},
			&cli.StringFlag{Name: "from-ssh-config", EnvVars: env("FROM_SSH_CONFIG"), Usage: "add the hosts the ssh_config's Host lines name that match these globs (comma-separated: 'web*'); wildcard patterns are no hosts; Include and Match are not read"},
			&cli.StringFlag{Name: "ssh-config", EnvVars: env("SSH_CONFIG"), Usage: "the ssh_config --from-ssh-config reads, also written as ssh.config for fleet to resolve the hosts (default: ~/.ssh/config)"},
		},
		Action: runInit,
	}
}

// runInit writes the file only if the inventory package loads it and no
// file is there, then prints the unit on stdout and what it did on stderr.
func runInit(c *cli.Context) error {
	o, err := initOptions(c)
	if err != nil {
		return withExit(exitCannotStart, err)
	}
	file, data := c.String("inventory"), scaffold.Inventory(o)
	if _, err := inventory.Parse(file, data); err != nil {
		return withExit(exitCannotStart, fmt.Errorf("init: nothing written, the file would not load: %w", err))
	}
	if err := scaffold.WriteNew(file, data); err != nil {
		return withExit(exitCannotStart, fmt.Errorf("init: %w: remove it, or write another file with -i", err))
	}
	o = o.WithDefaults()
	fmt.Fprintf(c.App.ErrWriter, "fleet init: wrote %s: %s on %s as %s; the unit on stdout goes to /etc/systemd/system/%s on each host\n",
		file, o.Name, strings.Join(o.Hosts, ", "), o.User, o.Unit)
	_, err = c.App.Writer.Write(scaffold.UnitFile(o))
	return err
}

// initOptions is the command line as scaffold.Options, checked.
func initOptions(c *cli.Context) (scaffold.Options, error) {
	o := scaffold.Options{Name: c.String("name"), Binary: c.String("binary"), Root: c.String("root"), Port: c.Int("port"),
		HealthPath: c.String("health-path"), User: c.String("user"), Hosts: c.StringSlice("host")}
	if o.Name == "" {
		wd, _ := os.Getwd()
		o.Name = filepath.Base(wd)
	}
	home, _ := os.UserHomeDir()
	if cfg := c.String("ssh-config"); cfg != "" {
		o.SSHConfig = scaffold.Tilde(cfg, home)
	}
	if pattern := c.String("from-ssh-config"); pattern != "" {
		hosts, err := scaffold.SSHConfigHosts(c.String("ssh-config"), pattern)
		if err != nil {
			return o, fmt.Errorf("--from-ssh-config: %w", err)
		}
		o.Hosts = append(o.Hosts, hosts...)
	}
	return o, o.Validate()
}
