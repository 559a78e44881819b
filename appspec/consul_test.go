package appspec

import (
	"strings"
	"testing"
	"time"
)

func TestServiceName(t *testing.T) {
	runRule(t, "ServiceName", ServiceName, []ruleCase{
		{"hello", ""}, {"hello-web", ""}, {"a1", ""}, {strings.Repeat("a", 63), ""},
		{"", "must not be empty"},
		{"he.llo", "must not contain '.' (Consul DNS allows letters, digits and '-')"},
		{"a/b", "must not contain '/'"},
		{"hello_x", "must not contain '_'"},
		{"-a", "must not start or end with '-'"},
		{"a-", "must not start or end with '-'"},
		{strings.Repeat("a", 64), "must be at most 63 characters (one DNS label)"},
	})
}

func TestTag(t *testing.T) {
	runRule(t, "Tag", Tag, []ruleCase{
		{"web", ""}, {"v2-capable", ""}, {"a=b", ""},
		{"", "must not be empty"},
		{"a b", "must not contain ' '"},
		{"a\tb", `must not contain '\t'`},
		{"a\x00b", `must not contain '\x00'`},
		{strings.Repeat("x", 4097), "must be at most 4096 characters"},
	})
}

func TestMeta(t *testing.T) {
	runRule(t, "MetaKey", MetaKey, []ruleCase{
		{"team", ""}, {"a_b-c", ""},
		{"version", "is reserved: fleet sets version, sha256, fleet_rollout, revision, dirty, change_note itself"},
		{"sha256", "is reserved"},
		{"fleet_rollout", "is reserved"},
		{"revision", "is reserved"},
		{"dirty", "is reserved"},
		{"change_note", "is reserved"},
		{"", "must not be empty"},
		{"consul-x", "must not start with consul-, which Consul reserves"},
		{"a.b", "must not contain '.' (Consul allows letters, digits, '_' and '-')"},
		{strings.Repeat("k", 129), "must be at most 128 characters"},
	})
	runRule(t, "MetaValue", MetaValue, []ruleCase{
		{"", ""}, {"payments", ""}, {strings.Repeat("x", 512), ""},
		{strings.Repeat("x", 513), "must be at most 512 characters"},
		{"a\x00", "must not contain NUL"},
	})
	if MetaPairs(58) != nil || MetaPairs(59) == nil {
		t.Errorf("MetaPairs(58) = %v, MetaPairs(59) = %v; want 58 allowed, 59 refused", MetaPairs(58), MetaPairs(59))
	}
}

func TestToken(t *testing.T) {
	const secret = "s3cr3t token"
	runRule(t, "Token", Token, []ruleCase{
		{"", ""}, {"0f1e2d3c-aaaa-bbbb", ""},
		{secret, "must be printable ASCII without spaces"},
		{"a\x7f", "must be printable ASCII"},
		{strings.Repeat("x", 4097), "must be at most 4096 characters"},
	})
	if err := Token(secret); strings.Contains(err.Error(), "s3cr3t") {
		t.Errorf("Token's error shows the token: %v", err)
	}
}

func TestDeregisterAfter(t *testing.T) {
	tests := []struct {
		d, deadline time.Duration
		want        string
	}{
		{0, time.Hour, ""},
		{time.Minute, 30 * time.Second, ""},
		{10 * time.Minute, 10 * time.Minute, ""},
		{30 * time.Second, 10 * time.Second, "must be 0 (never) or at least 1m; Consul raises shorter values to 1m, got 30s"},
		{10 * time.Minute, 20 * time.Minute, "must be 0 (never) or at least the health deadline 20m0s, or Consul could remove an instance while its gate runs, got 10m0s"},
	}
	for _, tt := range tests {
		err := DeregisterAfter(tt.d, tt.deadline)
		if (tt.want == "") != (err == nil) || (err != nil && err.Error() != tt.want) {
			t.Errorf("DeregisterAfter(%s, %s) = %v, want %q", tt.d, tt.deadline, err, tt.want)
		}
	}
}
