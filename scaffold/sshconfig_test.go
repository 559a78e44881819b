package scaffold

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestParseSSHConfigHosts_Table(t *testing.T) {
	tests := []struct {
		name, config string
		want         []string
		err          string
	}{
		{name: "empty", config: "", want: nil},
		{name: "one host per line, in order", config: "Host web1\n  HostName 10.0.0.1\nHost web2\n  HostName 10.0.0.2\n", want: []string{"web1", "web2"}},
		{name: "several names on one line", config: "Host web1 web2\tdb1\n", want: []string{"web1", "web2", "db1"}},
		{name: "wildcards and negations name no host", config: "Host *\n  User me\nHost web-* !web-9 db?\nHost web1\n", want: []string{"web1"}},
		{name: "keyword in any case, with =", config: "host a\nHOST=b\nHost = c\n", want: []string{"a", "b", "c"}},
		{name: "quoted names", config: `Host "web 1" "db"` + "\n", want: []string{"web 1", "db"}},
		{name: "each name once", config: "Host a b\nHost b a c\n", want: []string{"a", "b", "c"}},
		{name: "comments, blank lines, trailing comments", config: "# Host old\n\n   # Host older\nHost a # b\n", want: []string{"a"}},
		{name: "other keywords and Match blocks are not hosts", config: "HostName x\nMatch host y\n  User z\nHostKeyAlias k\n", want: nil},
		{name: "Include is not followed", config: "Include ~/.ssh/config.d/*\nHost a\n", want: []string{"a"}},
		{name: "a bare Host names nothing", config: "Host\nHost a\n", want: []string{"a"}},
		{name: "an empty quoted name is no host", config: `Host "" a` + "\n", want: []string{"a"}},
		{name: "unterminated quote", config: "Host a\nHost \"b\n", err: "line 2: unterminated quote"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseSSHConfigHosts(strings.NewReader(tt.config))
			if tt.err != "" {
				if err == nil || err.Error() != tt.err {
					t.Fatalf("error %v, want %q", err, tt.err)
				}
				return
			}
			if err != nil || !slices.Equal(got, tt.want) {
				t.Fatalf("got %q, %v; want %q", got, err, tt.want)
			}
		})
	}
}

func TestMatch_Table(t *testing.T) {
	hosts := []string{"web1", "web2", "db1", "bastion"}
	tests := []struct {
		patterns string
		want     []string
		err      string
	}{
		{patterns: "web*", want: []string{"web1", "web2"}},
		{patterns: "db1", want: []string{"db1"}},
		{patterns: "db*, web2", want: []string{"web2", "db1"}}, // the hosts' order, not the patterns'
		{patterns: "web[12]", want: []string{"web1", "web2"}},
		{patterns: "*", want: hosts},
		{patterns: "api*", err: `no Host matches "api*" (hosts there: web1, web2, db1, bastion)`},
		{patterns: "web[", err: `host pattern "web[": want a name or a glob such as web*`},
		{patterns: "web*,", err: `host pattern "": want a name or a glob such as web*`},
	}
	for _, tt := range tests {
		got, err := Match(hosts, tt.patterns)
		switch {
		case tt.err != "" && (err == nil || err.Error() != tt.err):
			t.Errorf("Match(%q): error %v, want %q", tt.patterns, err, tt.err)
		case tt.err == "" && (err != nil || !slices.Equal(got, tt.want)):
			t.Errorf("Match(%q) = %q, %v; want %q", tt.patterns, got, err, tt.want)
		}
	}
	if _, err := Match(nil, "web*"); err == nil || !strings.Contains(err.Error(), "hosts there: none") {
		t.Errorf("Match on no hosts: %v", err)
	}
}

func TestSSHConfigHosts_FileAndDefault(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	if _, err := SSHConfigHosts("", "web*"); err == nil || !strings.Contains(err.Error(), filepath.Join(home, ".ssh", "config")) {
		t.Errorf("a missing ~/.ssh/config: %v, want an error naming it", err)
	}
	if err := os.MkdirAll(filepath.Join(home, ".ssh"), 0o700); err != nil {
		t.Fatal(err)
	}
	write := func(path, text string) {
		if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write(filepath.Join(home, ".ssh", "config"), "Host web1 web2 db1\n")
	if got, err := SSHConfigHosts("", "web*"); err != nil || !slices.Equal(got, []string{"web1", "web2"}) {
		t.Errorf("~/.ssh/config: %q, %v", got, err)
	}
	other := filepath.Join(t.TempDir(), "lab_config")
	write(other, "Host lab1\nHost lab2\n")
	if got, err := SSHConfigHosts(other, "lab*"); err != nil || !slices.Equal(got, []string{"lab1", "lab2"}) {
		t.Errorf("%s: %q, %v", other, got, err)
	}
	if _, err := SSHConfigHosts(other, "web*"); err == nil || !strings.Contains(err.Error(), other) || !strings.Contains(err.Error(), "lab1, lab2") {
		t.Errorf("no match: %v, want the file and its hosts named", err)
	}
}
