package render

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/fleetdeploy/fleet/deploy"
	"github.com/fleetdeploy/fleet/inventory"
)

// InventoryRow is one host of `fleet inventory`, as -o json prints it.
type InventoryRow struct {
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

// InventoryRows are the selected hosts of src as rows.
func InventoryRows(src *deploy.Source, hosts []inventory.Host) []InventoryRow {
	rows := make([]InventoryRow, 0, len(hosts))
	for _, h := range hosts {
		rows = append(rows, InventoryRow{Host: h.Name, Address: h.Address, User: h.SSH.User, Port: h.SSH.Port,
			Group: hostGroup(src, h), Groups: src.Groups[h.Name], Labels: h.Labels, Slots: h.Slots,
			Source: src.Kind, Origin: src.Origin[h.Name]})
	}
	return rows
}

// Inventory is `fleet inventory` for people: where the hosts and the
// settings came from, then a row per host.
func Inventory(w io.Writer, src *deploy.Source, inv *inventory.Inventory, rows []InventoryRow) {
	from := src.Kind + " " + src.Where // "ansible hosts.ini"; a fleet.yaml is named by its file alone
	if src.Kind == deploy.SourceFleet {
		from = src.Where
	}
	fmt.Fprintf(w, "%d of %d hosts from %s", len(rows), max(src.Total, len(inv.Hosts)), from)
	if src.Kind != deploy.SourceFleet {
		fmt.Fprintf(w, "; app, ssh and strategy from %s", inv.File)
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
