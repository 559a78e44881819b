package main

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/urfave/cli/v2"

	"github.com/fleetdeploy/fleet/deploy"
	"github.com/fleetdeploy/fleet/inventory"
)

func inventoryCommand() *cli.Command {
	return &cli.Command{
		Name:   "inventory",
		Usage:  "print the selected hosts as fleet resolves them, and where each came from (contacts no host)",
		Flags:  commonFlags(),
		Action: runInventory,
	}
}

// inventoryRow is one host of `fleet inventory`.
type inventoryRow struct {
	Host    string            `json:"host"`
	Address string            `json:"address"`
	User    string            `json:"user,omitempty"`
	Port    int               `json:"port,omitempty"`
	Group   string            `json:"group,omitempty"`  // Ansible: the groups it is listed in, comma-separated, in file order
	Groups  []string          `json:"groups,omitempty"` // Ansible: every group, with ancestors
	Labels  map[string]string `json:"labels"`
	Slots   bool              `json:"slots,omitempty"`
	Source  string            `json:"source"` // deploy.SourceFleet, SourceAnsible or SourceConsul
	Origin  string            `json:"origin"` // file:line, or the catalog and node
}

func runInventory(c *cli.Context) error {
	t, err := loadTarget(c)
	if err != nil {
		return withExit(exitCannotStart, err)
	}
	rows := make([]inventoryRow, 0, len(t.hosts))
	for _, h := range t.hosts {
		rows = append(rows, inventoryRow{Host: h.Name, Address: h.Address, User: h.SSH.User, Port: h.SSH.Port,
			Group: hostGroup(t.src, h), Groups: t.src.Groups[h.Name], Labels: h.Labels, Slots: h.Slots,
			Source: t.src.Kind, Origin: t.src.Origin[h.Name]})
	}
	if t.out.json {
		return json.NewEncoder(c.App.Writer).Encode(rows)
	}
	t.out.write(func(w io.Writer) { writeInventory(w, t, rows) })
	return nil
}

func writeInventory(w io.Writer, t *target, rows []inventoryRow) {
	fmt.Fprintf(w, "%d of %d hosts from %s %s", len(rows), max(t.src.Total, len(t.inv.Hosts)), t.src.Kind, t.src.Where)
	if t.src.Kind != deploy.SourceFleet {
		fmt.Fprintf(w, "; app, ssh and strategy from %s", t.inv.File)
	}
	fmt.Fprintln(w)
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "HOST\tADDRESS\tUSER\tPORT\tGROUP\tLABELS\tORIGIN")
	for _, r := range rows {
		port := "-"
		if r.Port > 0 {
			port = fmt.Sprint(r.Port)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", r.Host, r.Address, orWord(r.User, "-"), port,
			orWord(r.Group, "-"), labelText(r.Labels), r.Origin)
	}
	_ = tw.Flush()
}

// hostGroup is the GROUP fleet shows: a fleet.yaml host's group; for an
// Ansible host its most specific groups, those it is listed in (not
// their parents), in file order.
func hostGroup(src *deploy.Source, h inventory.Host) string {
	if direct := src.Direct[h.Name]; len(direct) > 0 {
		return strings.Join(direct, ",")
	}
	return h.Group
}

func labelText(m map[string]string) string {
	if len(m) == 0 {
		return "-"
	}
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(m)) {
		parts = append(parts, k+"="+m[k])
	}
	return strings.Join(parts, ",")
}
