package appspec

import (
	"strings"
	"testing"
)

func TestUnit(t *testing.T) {
	runRule(t, "Unit", Unit, []ruleCase{
		{"hello.service", ""}, {"hello@1.service", ""}, {"app-web.socket", ""}, {"a:b_c.target", ""},
		{`dev-disk-by\x2duuid.device`, ""}, {`x\x2dy.mount`, ""}, {"hello.timer", ""},
		{strings.Repeat("a", 247) + ".service", ""},
		{"", "must not be empty"},
		{"hello", `must end in a unit type such as .service, got "hello"`},
		{"app.exe", "must end in a unit type such as .service"},
		{"hello.srv", "must end in a unit type such as .service"},
		{".service", "must have a name before .service"},
		{"-x.service", "must not start with '-'"},
		{"-app.service", "must not start with '-'"},
		{"hello@.service", "is a template; name an instance such as hello@1.service"},
		{"@x.service", `must name the unit before @, got "@x.service"`},
		{"a@b@c.service", `must contain at most one @, got "a@b@c.service"`},
		{`a\b.service`, `may use \ only in \xNN escapes, got "a\\b.service"`},
		{`app\x.service`, `may use \ only in \xNN escapes`},
		{`a\x2.service`, `may use \ only in \xNN escapes`},
		{`a\x2g.service`, `may use \ only in \xNN escapes`},
		{"a b.service", "must not contain ' '"},
		{"a/b.service", "must not contain '/'"},
		{"../app.service", "must not contain '/'"},
		{"app;rm.service", "must not contain ';'"},
		{strings.Repeat("a", 248) + ".service", "must be at most 255 characters"},
	})
}

func TestTemplateUnit(t *testing.T) {
	runRule(t, "TemplateUnit", TemplateUnit, []ruleCase{
		{"hello@.service", ""}, {`my\x2dapp@.service`, ""},
		{"hello.service", `must be a systemd template unit ending in @.service, such as hello@.service, got "hello.service"`},
		{"hello@1.service", "must be a systemd template unit ending in @.service"},
		{"app@.socket", "must be a systemd template unit ending in @.service"},
		{"@.service", "must name the template before @.service"},
		{"a@b@.service", `must contain one @, got "a@b@.service"`},
		{"he llo@.service", "must not contain ' '"},
		{"-x@.service", "must not start with '-'"},
		{strings.Repeat("a", 246) + "@.service", "must be at most 255 characters"},
	})
}

func TestInstanceUnit(t *testing.T) {
	if got := InstanceUnit("hello@.service", "blue"); got != "hello@blue.service" {
		t.Errorf("InstanceUnit = %q, want hello@blue.service", got)
	}
	if err := SlotUnit("hello@.service", "blue"); err != nil {
		t.Errorf("SlotUnit: %v", err)
	}
	long := strings.Repeat("a", 244) + "@.service"
	want := "makes the unit " + strings.Repeat("a", 244) + "@abcdef.service, which must be at most 255 characters"
	if err := SlotUnit(long, "abcdef"); err == nil || err.Error() != want {
		t.Errorf("SlotUnit(long) = %v, want %q", err, want)
	}
}

func TestUnitState(t *testing.T) {
	runRule(t, "UnitState", UnitState, []ruleCase{
		{"active", ""}, {"failed", ""}, {"refreshing", ""},
		{"up", `must be one of active, reloading, inactive, failed, activating, deactivating, maintenance, refreshing, got "up"`},
		{"", "must be one of"},
	})
}
