package inventory

import (
	"reflect"
	"strings"
	"testing"
)

const selectFleet = `
app: {name: hello, health: {checks: [{http: {url: 'http://127.0.0.1:8080/healthz'}}]}}
groups:
  - name: web
    labels: {tier: web}
    hosts:
      - {name: web1, labels: {zone: a}}
      - {name: web2, labels: {zone: b}}
  - name: db
    labels: {tier: db}
    hosts:
      - {name: db1, labels: {zone: a, primary: "true"}}
      - db2
  - name: canary
    hosts: [web3]
`

func hostNames(hosts []Host) []string {
	names := make([]string, len(hosts))
	for i, h := range hosts {
		names[i] = h.Name
	}
	return names
}

func TestSelect(t *testing.T) {
	inv := mustParse(t, selectFleet)
	tests := []struct {
		name, limit, selector string
		want                  []string
	}{
		{"everything", "", "", []string{"web1", "web2", "db1", "db2", "web3"}},
		{"one host", "web2", "", []string{"web2"}},
		{"inventory order, not limit order", "db1,web2", "", []string{"web2", "db1"}},
		{"glob over hosts", "web*", "", []string{"web1", "web2", "web3"}},
		{"glob with class", "web[12]", "", []string{"web1", "web2"}},
		{"at group", "@db", "", []string{"db1", "db2"}},
		{"bare group", "canary", "", []string{"web3"}},
		{"glob over groups", "@*a*", "", []string{"web3"}},
		{"group and host, no duplicates", "@web,web1,db2", "", []string{"web1", "web2", "db2"}},
		{"spaces and empty terms", " web1 , ,db1, ", "", []string{"web1", "db1"}},
		{"label equals", "", "tier=web", []string{"web1", "web2"}},
		{"label not equals", "", "tier!=web", []string{"db1", "db2", "web3"}},
		{"has label", "", "zone", []string{"web1", "web2", "db1"}},
		{"terms are ANDed", "", "tier=db,zone=a", []string{"db1"}},
		{"limit and selector", "@web,@db", "zone=a", []string{"web1", "db1"}},
		{"group label inherited", "web3,db2", "tier", []string{"db2"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := inv.Select(tt.limit, tt.selector)
			if err != nil {
				t.Fatalf("Select(%q, %q): %v", tt.limit, tt.selector, err)
			}
			if names := hostNames(got); !reflect.DeepEqual(names, tt.want) {
				t.Errorf("Select(%q, %q) = %v, want %v", tt.limit, tt.selector, names, tt.want)
			}
		})
	}
}

func TestSelect_Errors(t *testing.T) {
	inv := mustParse(t, selectFleet)
	tests := []struct {
		name, limit, selector string
		want                  []string // substrings of the error
	}{
		{"unknown host", "web9", "", []string{`limit term "web9" matches no host or group`}},
		{"every unmatched term is named", "web1,nope,@nogroup", "", []string{`"nope"`, `limit term "@nogroup" matches no group`}},
		{"glob matching nothing", "cache*", "", []string{`"cache*"`}},
		{"group name is not a host glob", "@web1", "", []string{`"@web1"`}},
		{"bad pattern", "web[", "", []string{`limit term "web["`, "bad pattern"}},
		{"unknown label key", "", "tire!=db", []string{`no host has label "tire"`}},
		{"empty key", "", "=web", []string{`selector term "=web"`, "must not be empty"}},
		{"bad value", "", "tier=a b", []string{`selector term "tier=a b"`}},
		{"nothing selected", "@web", "tier=db", []string{`no host matches limit "@web" and selector "tier=db"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := inv.Select(tt.limit, tt.selector)
			if err == nil {
				t.Fatalf("Select(%q, %q) = %v, want an error", tt.limit, tt.selector, hostNames(got))
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("Select(%q, %q) error %q does not contain %q", tt.limit, tt.selector, err, w)
				}
			}
		})
	}
}

func TestSelect_ReturnsCopies(t *testing.T) {
	inv := mustParse(t, "app: {name: hello, health: {checks: [{http: {url: 'http://127.0.0.1:8080/healthz'}}]}}\nssh: {identity_files: [/k]}\ngroups: [{name: web, labels: {tier: web}, hosts: [web1]}]\n")
	got, err := inv.Select("", "")
	if err != nil {
		t.Fatal(err)
	}
	got[0].Labels["tier"] = "changed"
	got[0].SSH.IdentityFiles[0] = "changed"
	if h := inv.Hosts[0]; h.Labels["tier"] != "web" || h.SSH.IdentityFiles[0] != "/k" {
		t.Errorf("changing a selected host changed the inventory: %+v", h)
	}
}
