package appspec

import (
	"testing"
	"time"
)

func TestSpec_Validate(t *testing.T) {
	valid := Spec{
		Name: "app", Root: "/opt/app", Binary: "app", Units: []string{"app.service"}, Keep: 2,
		Health: Health{
			MinHealthyTime: Duration(10 * time.Second), Deadline: Duration(time.Minute), Interval: Duration(time.Second),
			Checks: []Check{{HTTP: &HTTPCheck{URL: "http://127.0.0.1:8080/healthz"}}},
		},
	}
	if err := valid.Validate(); err != nil {
		t.Fatalf("valid spec: %v", err)
	}
	tests := map[string]func(*Spec){
		"relative root":      func(s *Spec) { s.Root = "opt/app" },
		"unclean root":       func(s *Spec) { s.Root = "/opt/../etc" },
		"root slash":         func(s *Spec) { s.Root = "/" },
		"trailing slash":     func(s *Spec) { s.Root = "/opt/app/" },
		"root with space":    func(s *Spec) { s.Root = "/opt/my app" },
		"binary path":        func(s *Spec) { s.Binary = "bin/app" },
		"binary dotdot":      func(s *Spec) { s.Binary = ".." },
		"binary release":     func(s *Spec) { s.Binary = "release.json" },
		"bad unit":           func(s *Spec) { s.Units = []string{"app"} },
		"keep 0":             func(s *Spec) { s.Keep = 0 },
		"no interval":        func(s *Spec) { s.Health.Interval = 0 },
		"min over deadline":  func(s *Spec) { s.Health.MinHealthyTime = Duration(2 * time.Minute) },
		"two kinds in check": func(s *Spec) { s.Health.Checks[0].TCP = &TCPCheck{Address: "127.0.0.1:1"} },
		"empty check":        func(s *Spec) { s.Health.Checks = []Check{{}} },
		"ftp url":            func(s *Spec) { s.Health.Checks[0].HTTP.URL = "ftp://x/" },
		"empty argv": func(s *Spec) {
			s.Health.Checks = []Check{{Command: &CommandCheck{}}}
		},
		"bad state": func(s *Spec) {
			s.Health.Checks = []Check{{Systemd: &SystemdCheck{Unit: "a.service", State: "up"}}}
		},
		// What the inventory refused and the agent took, before both used
		"name with @":           func(s *Spec) { s.Name = "a@b" },
		"binary starting _":     func(s *Spec) { s.Binary = "_app" },
		"root with @":           func(s *Spec) { s.Root = "/opt/a@b" },
		"keep 1":                func(s *Spec) { s.Keep = 1 },
		"min equals deadline":   func(s *Spec) { s.Health.MinHealthyTime = s.Health.Deadline },
		"url without host":      func(s *Spec) { s.Health.Checks[0].HTTP.URL = "http://:8080/" },
		"{port} in url host":    func(s *Spec) { s.Health.Checks[0].HTTP.URL = "http://{port}/" },
		"body with NUL":         func(s *Spec) { s.Health.Checks[0].HTTP.Body = "a\x00" },
		"tcp without host":      func(s *Spec) { s.Health.Checks = []Check{{TCP: &TCPCheck{Address: ":8080"}}} },
		"tcp port out of range": func(s *Spec) { s.Health.Checks = []Check{{TCP: &TCPCheck{Address: "h:65536"}}} },
		"relative program": func(s *Spec) {
			s.Health.Checks = []Check{{Command: &CommandCheck{Argv: []string{"true"}}}}
		},
		// What the inventory took and the agent refused.
		"unit starting -":  func(s *Spec) { s.Units = []string{"-x.service"} },
		"unit with two @":  func(s *Spec) { s.Units = []string{"a@b@c.service"} },
		"unit backslash":   func(s *Spec) { s.Units = []string{`a\b.service`} },
		"root component .": func(s *Spec) { s.Root = "/opt/.app" },
		"root component -": func(s *Spec) { s.Root = "/opt/-app" },
	}
	for name, mutate := range tests {
		s := valid
		s.Units = append([]string(nil), valid.Units...)
		http := *valid.Health.Checks[0].HTTP
		s.Health.Checks = []Check{{HTTP: &http}}
		mutate(&s)
		if err := s.Validate(); err == nil {
			t.Errorf("%s: Validate() = nil, want an error", name)
		}
	}
}
