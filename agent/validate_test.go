package agent

import (
	"strings"
	"testing"
	"time"
)

func TestValidateVersion(t *testing.T) {
	good := []string{"1", "1.2.3", "v1.2.3-rc.1+build.5", "2026_01_02", "a", strings.Repeat("9", 128)}
	bad := []string{
		"", ".", "..", "a..b", "../etc", "a/b", "-rf", ".hidden", "_x", "v 1", "v\t1", "v\n1", "v\x00",
		"v;rm", "v|x", "v&x", "v$x", "v`x`", "v(x)", "v<x", "v>x", "v*", "v?", "v'x'", `v"x"`, `v\x`,
		"v~", "v!", "v#", "v%", "v=x", "v:x", "v@x", "v,x", "vé", strings.Repeat("9", 129),
	}
	for _, v := range good {
		if err := ValidateVersion(v); err != nil {
			t.Errorf("ValidateVersion(%q) = %v, want ok", v, err)
		}
	}
	for _, v := range bad {
		if err := ValidateVersion(v); err == nil {
			t.Errorf("ValidateVersion(%q) = nil, want an error", v)
		}
	}
}

func TestValidateUnitName(t *testing.T) {
	good := []string{"app.service", "app@1.service", "app-web.socket", "a:b_c.target", `dev-disk-by\x2duuid.device`}
	bad := []string{
		"", "app", "app.exe", ".service", "-app.service", "app@.service", "@x.service", "a@b@c.service",
		"app;rm.service", "app service", "../app.service", "a/b.service", `app\x.service`, `a\x2.service`,
		strings.Repeat("a", 250) + ".service",
	}
	for _, u := range good {
		if err := ValidateUnitName(u); err != nil {
			t.Errorf("ValidateUnitName(%q) = %v, want ok", u, err)
		}
	}
	for _, u := range bad {
		if err := ValidateUnitName(u); err == nil {
			t.Errorf("ValidateUnitName(%q) = nil, want an error", u)
		}
	}
}

func TestAppSpec_Validate(t *testing.T) {
	valid := AppSpec{
		Name: "app", Root: "/opt/app", Binary: "app", Units: []string{"app.service"}, Keep: 2,
		Health: HealthSpec{
			MinHealthyTime: Duration(10 * time.Second), Deadline: Duration(time.Minute), Interval: Duration(time.Second),
			Checks: []CheckSpec{{HTTP: &HTTPCheck{URL: "http://127.0.0.1:8080/healthz"}}},
		},
	}
	if err := valid.Validate(); err != nil {
		t.Fatalf("valid spec: %v", err)
	}
	tests := map[string]func(*AppSpec){
		"relative root":      func(s *AppSpec) { s.Root = "opt/app" },
		"unclean root":       func(s *AppSpec) { s.Root = "/opt/../etc" },
		"root slash":         func(s *AppSpec) { s.Root = "/" },
		"trailing slash":     func(s *AppSpec) { s.Root = "/opt/app/" },
		"root with space":    func(s *AppSpec) { s.Root = "/opt/my app" },
		"binary path":        func(s *AppSpec) { s.Binary = "bin/app" },
		"binary dotdot":      func(s *AppSpec) { s.Binary = ".." },
		"binary release":     func(s *AppSpec) { s.Binary = "release.json" },
		"bad unit":           func(s *AppSpec) { s.Units = []string{"app"} },
		"keep 0":             func(s *AppSpec) { s.Keep = 0 },
		"no interval":        func(s *AppSpec) { s.Health.Interval = 0 },
		"min over deadline":  func(s *AppSpec) { s.Health.MinHealthyTime = Duration(2 * time.Minute) },
		"two kinds in check": func(s *AppSpec) { s.Health.Checks[0].TCP = &TCPCheck{Address: "127.0.0.1:1"} },
		"empty check":        func(s *AppSpec) { s.Health.Checks = []CheckSpec{{}} },
		"ftp url":            func(s *AppSpec) { s.Health.Checks[0].HTTP.URL = "ftp://x/" },
		"empty argv": func(s *AppSpec) {
			s.Health.Checks = []CheckSpec{{Command: &CommandCheck{}}}
		},
		"bad state": func(s *AppSpec) {
			s.Health.Checks = []CheckSpec{{Systemd: &SystemdCheck{Unit: "a.service", State: "up"}}}
		},
		// What the inventory refused and the agent took, before both used appspec.
		"name with @":           func(s *AppSpec) { s.Name = "a@b" },
		"binary starting _":     func(s *AppSpec) { s.Binary = "_app" },
		"root with @":           func(s *AppSpec) { s.Root = "/opt/a@b" },
		"keep 1":                func(s *AppSpec) { s.Keep = 1 },
		"min equals deadline":   func(s *AppSpec) { s.Health.MinHealthyTime = s.Health.Deadline },
		"url without host":      func(s *AppSpec) { s.Health.Checks[0].HTTP.URL = "http://:8080/" },
		"{port} in url host":    func(s *AppSpec) { s.Health.Checks[0].HTTP.URL = "http://{port}/" },
		"body with NUL":         func(s *AppSpec) { s.Health.Checks[0].HTTP.Body = "a\x00" },
		"tcp without host":      func(s *AppSpec) { s.Health.Checks = []CheckSpec{{TCP: &TCPCheck{Address: ":8080"}}} },
		"tcp port out of range": func(s *AppSpec) { s.Health.Checks = []CheckSpec{{TCP: &TCPCheck{Address: "h:65536"}}} },
		"relative program": func(s *AppSpec) {
			s.Health.Checks = []CheckSpec{{Command: &CommandCheck{Argv: []string{"true"}}}}
		},
		// What the inventory took and the agent refused.
		"unit starting -":  func(s *AppSpec) { s.Units = []string{"-x.service"} },
		"unit with two @":  func(s *AppSpec) { s.Units = []string{"a@b@c.service"} },
		"unit backslash":   func(s *AppSpec) { s.Units = []string{`a\b.service`} },
		"root component .": func(s *AppSpec) { s.Root = "/opt/.app" },
		"root component -": func(s *AppSpec) { s.Root = "/opt/-app" },
	}
	for name, mutate := range tests {
		s := valid
		s.Units = append([]string(nil), valid.Units...)
		http := *valid.Health.Checks[0].HTTP
		s.Health.Checks = []CheckSpec{{HTTP: &http}}
		mutate(&s)
		if err := s.Validate(); err == nil {
			t.Errorf("%s: Validate() = nil, want an error", name)
		}
	}
}
