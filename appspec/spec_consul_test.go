package appspec

import (
	"strings"
	"testing"
	"time"
)

// instanceSpec is a valid spec with Consul and slots; every call returns
// fresh slices and maps, so tests can mutate it.
func instanceSpec() Spec {
	return Spec{
		Name: "app", Root: "/opt/app", Binary: "app", Keep: 2,
		Health: Health{
			MinHealthyTime: Duration(10 * time.Second), Deadline: Duration(time.Minute), Interval: Duration(time.Second),
			Checks: []Check{
				{HTTP: &HTTPCheck{URL: "http://127.0.0.1:{port}/healthz"}},
				{TCP: &TCPCheck{Address: "127.0.0.1:{port}"}},
			},
		},
		Consul: &Consul{
			Service: "web", Address: "127.0.0.1:8500", Token: "s3cr3t-token", Tags: []string{"edge"},
			Meta: map[string]string{"team": "web-platform"}, Drain: Duration(5 * time.Second), Gate: true,
			Checks:                  []ConsulCheck{{HTTP: "http://127.0.0.1:{port}/healthz"}, {TCP: "127.0.0.1:{port}"}},
			DeregisterCriticalAfter: Duration(10 * time.Minute),
		},
		Slots: &Slots{Unit: "app@.service", Instances: []Slot{{Name: "blue", Port: 9001}, {Name: "green", Port: 9002}}},
	}
}

func TestSpec_ValidateConsulAndSlots(t *testing.T) {
	if err := instanceSpec().Validate(); err != nil {
		t.Fatalf("valid spec: %v", err)
	}
	good := map[string]func(*Spec){
		"https address":      func(s *Spec) { s.Consul.Address = "https://consul.local:8501" },
		"default address":    func(s *Spec) { s.Consul.Address = "" },
		"token file":         func(s *Spec) { s.Consul.Token, s.Consul.TokenFile = "", "/etc/fleet/consul.token" },
		"no slots, port":     func(s *Spec) { s.Slots, s.Consul.Port = nil, 8080 },
		"no deregistration":  func(s *Spec) { s.Consul.DeregisterCriticalAfter = 0 },
		"slots, no consul":   func(s *Spec) { s.Consul = nil },
		"dotted slot name":   func(s *Spec) { s.Slots.Instances[0].Name = "a.1" },
		"consul, no port ok": func(s *Spec) { s.Slots, s.Health.Checks, s.Consul.Checks = nil, nil, nil },
	}
	for name, mutate := range good {
		s := instanceSpec()
		mutate(&s)
		if err := s.Validate(); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	bad := map[string]func(*Spec){
		"token and file":       func(s *Spec) { s.Consul.TokenFile = "/etc/t" },
		"token with space":     func(s *Spec) { s.Consul.Token = "s3cr3t token" },
		"relative token file":  func(s *Spec) { s.Consul.Token, s.Consul.TokenFile = "", "etc/t" },
		"service with slash":   func(s *Spec) { s.Consul.Service = "a/b" },
		"address no port":      func(s *Spec) { s.Consul.Address = "127.0.0.1" },
		"address unix":         func(s *Spec) { s.Consul.Address = "unix:///run/consul.sock" },
		"address path":         func(s *Spec) { s.Consul.Address = "http://127.0.0.1:8500/v1" },
		"port out of range":    func(s *Spec) { s.Consul.Port = 70000 },
		"meta sets version":    func(s *Spec) { s.Consul.Meta["version"] = "1" },
		"meta consul- prefix":  func(s *Spec) { s.Consul.Meta["consul-x"] = "1" },
		"meta key dot":         func(s *Spec) { s.Consul.Meta["a.b"] = "1" },
		"meta value too long":  func(s *Spec) { s.Consul.Meta["big"] = strings.Repeat("x", 513) },
		"empty tag":            func(s *Spec) { s.Consul.Tags = []string{""} },
		"negative drain":       func(s *Spec) { s.Consul.Drain = -1 },
		"reap under a minute":  func(s *Spec) { s.Consul.DeregisterCriticalAfter = Duration(30 * time.Second) },
		"reap before deadline": func(s *Spec) { s.Health.Deadline = Duration(20 * time.Minute) },
		"check http and tcp":   func(s *Spec) { s.Consul.Checks[0].TCP = "127.0.0.1:1" },
		"check neither":        func(s *Spec) { s.Consul.Checks = []ConsulCheck{{}} },
		"check bad url":        func(s *Spec) { s.Consul.Checks[0].HTTP = "ftp://x/" },
		"check bad tcp":        func(s *Spec) { s.Consul.Checks[1].TCP = "nohost" },
		"check negative":       func(s *Spec) { s.Consul.Checks[0].Interval = -1 },
		"one slot":             func(s *Spec) { s.Slots.Instances = s.Slots.Instances[:1] },
		"three slots":          func(s *Spec) { s.Slots.Instances = append(s.Slots.Instances, Slot{Name: "red", Port: 9003}) },
		"same name":            func(s *Spec) { s.Slots.Instances[1].Name = "blue" },
		"same port":            func(s *Spec) { s.Slots.Instances[1].Port = 9001 },
		"slot port 0":          func(s *Spec) { s.Slots.Instances[0].Port = 0 },
		"slot name plus":       func(s *Spec) { s.Slots.Instances[0].Name = "a+b" },
		"slot name dotdot":     func(s *Spec) { s.Slots.Instances[0].Name = "../x" },
		"plain unit":           func(s *Spec) { s.Slots.Unit = "app.service" },
		"instance unit":        func(s *Spec) { s.Slots.Unit = "app@x.service" },
		"template no prefix":   func(s *Spec) { s.Slots.Unit = "@.service" },
		"socket template":      func(s *Spec) { s.Slots.Unit = "app@.socket" },
		"slot name dots":       func(s *Spec) { s.Slots.Instances[0].Name = "a..b" },
		"service with dot":     func(s *Spec) { s.Consul.Service = "a.b" },
		"address no host":      func(s *Spec) { s.Consul.Address = ":8500" },
		"tag with space":       func(s *Spec) { s.Consul.Tags = []string{"a b"} },
		"meta value NUL":       func(s *Spec) { s.Consul.Meta["a"] = "x\x00" },
		"long token file":      func(s *Spec) { s.Consul.Token, s.Consul.TokenFile = "", "/"+strings.Repeat("t", 1024) },
		"check tcp no host":    func(s *Spec) { s.Consul.Checks[1].TCP = ":{port}" },
		"check url port host":  func(s *Spec) { s.Consul.Checks[0].HTTP = "http://{port}/" },
		"port nowhere":         func(s *Spec) { s.Slots = nil },
		"port, no consul":      func(s *Spec) { s.Slots, s.Consul = nil, nil },
	}
	for name, mutate := range bad {
		s := instanceSpec()
		mutate(&s)
		err := s.Validate()
		if err == nil {
			t.Errorf("%s: Validate() = nil, want an error", name)
		} else if strings.Contains(err.Error(), "s3cr3t") {
			t.Errorf("%s: the error shows the token: %v", name, err)
		}
	}
}

func TestSlots_UnitOf(t *testing.T) {
	if got := (Slots{Unit: "hello@.service"}).UnitOf("blue"); got != "hello@blue.service" {
		t.Errorf("UnitOf = %q", got)
	}
}
