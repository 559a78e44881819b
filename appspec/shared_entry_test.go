package appspec

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

func TestSharedEntry_Validate(t *testing.T) {
	for _, c := range []struct {
		e    SharedEntry
		want string // "" valid
	}{
		{SharedEntry{Path: "var/uploads/"}, ""},
		{SharedEntry{Path: "var/uploads/", Owner: "hello", Group: "hello", Mode: "0750"}, ""},
		{SharedEntry{Path: "config/secrets.env", Owner: "svc_hello", Mode: "600"}, ""},
		{SharedEntry{Path: ".env", Group: "www-data", Mode: "0000"}, ""},
		{SharedEntry{Path: "x", Mode: "0777"}, ""},
		{SharedEntry{Path: "/etc/x", Owner: "hello"}, "must be relative"},
		{SharedEntry{Path: "x", Owner: "Hello"}, "owner: must be a user name"},
		{SharedEntry{Path: "x", Owner: "a b"}, "owner: must be a user name"},
		{SharedEntry{Path: "x", Owner: strings.Repeat("a", 33)}, "owner: must be at most 32"},
		{SharedEntry{Path: "x", Group: "9x"}, "group: must be a group name"},
		{SharedEntry{Path: "x", Group: "$"}, "group: must be a group name"},
		{SharedEntry{Path: "x", Mode: "4755"}, "mode: must be at most 0777 (no setuid, setgid or sticky bit)"},
		{SharedEntry{Path: "x", Mode: "1777"}, "mode: must be at most 0777"},
		{SharedEntry{Path: "x", Mode: "0778"}, "mode: must be an octal mode"},
		{SharedEntry{Path: "x", Mode: "0o750"}, "mode: must be an octal mode"},
		{SharedEntry{Path: "x", Mode: "75"}, "mode: must be an octal mode"},
		{SharedEntry{Path: "x", Mode: "00750"}, "mode: must be an octal mode"},
		{SharedEntry{Path: "x", Mode: "-750"}, "mode: must be an octal mode"},
		{SharedEntry{Path: "x", Mode: "rwx"}, "mode: must be an octal mode"},
	} {
		err := c.e.Validate()
		switch {
		case c.want == "" && err != nil:
			t.Errorf("%+v: %v, want valid", c.e, err)
		case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
			t.Errorf("%+v: %v, want %q", c.e, err, c.want)
		}
	}
}

func TestSharedEntry_Defaults(t *testing.T) {
	for _, c := range []struct {
		e            SharedEntry
		owner, group string
		mode         uint32
	}{
		{SharedEntry{Path: "var/"}, "root", "root", 0o755},
		{SharedEntry{Path: "a.env"}, "root", "root", 0o640},
		{SharedEntry{Path: "var/", Owner: "nobody", Mode: "0750"}, "nobody", "root", 0o750},
		{SharedEntry{Path: "a.env", Group: "nogroup", Mode: "600"}, "root", "nogroup", 0o600},
	} {
		if o, g, m := c.e.OwnerName(), c.e.GroupName(), c.e.Perm(); o != c.owner || g != c.group || m != c.mode {
			t.Errorf("%+v: %s %s %o, want %s %s %o", c.e, o, g, m, c.owner, c.group, c.mode)
		}
	}
}

// A path alone travels as a JSON string, as before owners and modes; an
// entry with more as an object; both read back, and an unknown field is
// refused (hello is decoded strictly).
func TestSharedEntry_JSON(t *testing.T) {
	in := []SharedEntry{{Path: "a.env"}, {Path: "var/", Owner: "nobody", Mode: "0750"}}
	b, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	if want := `["a.env",{"path":"var/","owner":"nobody","mode":"0750"}]`; string(b) != want {
		t.Errorf("JSON %s, want %s", b, want)
	}
	var out []SharedEntry
	if err := json.Unmarshal(b, &out); err != nil || len(out) != 2 || out[0] != in[0] || out[1] != in[1] {
		t.Errorf("read back %+v %v", out, err)
	}
	if err := json.Unmarshal([]byte(`[{"path":"var/","mod":"0750"}]`), &out); err == nil || !strings.Contains(err.Error(), "unknown field") {
		t.Errorf("unknown field: %v", err)
	}
	if err := json.Unmarshal([]byte(`[7]`), &out); err == nil {
		t.Error("a number read as a shared entry")
	}
}

func TestSpec_ValidateShared(t *testing.T) {
	s := Spec{
		Name: "app", Root: "/opt/app", Binary: "app", Units: []string{"app.service"}, Keep: 2,
		Health: Health{Deadline: Duration(time.Minute), Interval: Duration(time.Second),
			Checks: []Check{{HTTP: &HTTPCheck{URL: "http://127.0.0.1:8080/healthz"}}}},
		Shared: []SharedEntry{{Path: "var/", Owner: "hello", Mode: "0750"}, {Path: "a.env"}},
	}
	if err := s.Validate(); err != nil {
		t.Fatal(err)
	}
	for name, c := range map[string]struct {
		e    SharedEntry
		want string
	}{
		"bad owner":   {SharedEntry{Path: "b/", Owner: "Bad"}, `shared "b/": owner: must be a user name`},
		"setuid mode": {SharedEntry{Path: "b/", Mode: "4750"}, `shared "b/": mode: must be at most 0777`},
		"overlap":     {SharedEntry{Path: "var/x/", Owner: "hello"}, "shared: var/ and var/x/ overlap"},
	} {
		bad := s
		bad.Shared = append([]SharedEntry{}, s.Shared...)
		bad.Shared = append(bad.Shared, c.e)
		if err := bad.Validate(); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want %q", name, err, c.want)
		}
	}
}
