package deploy_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/fleetdeploy/fleet/deploy"
)

// TestChangeNote_FlagOrCI: -m wins, even "", over the CI's note; a note
// the agent refuses is --message's error.
func TestChangeNote_FlagOrCI(t *testing.T) {
	jenkins := func(k string) string {
		return map[string]string{"JENKINS_URL": "https://ci/", "JOB_NAME": "hello", "BUILD_NUMBER": "3"}[k]
	}
	msg, empty, long := "fix the retry storm", "", strings.Repeat("x", 4097)
	for _, tc := range []struct {
		name    string
		message *string
		getenv  func(string) string
		want    string
	}{
		{"Flag", &msg, jenkins, msg},
		{"EmptyFlagTurnsCIOff", &empty, jenkins, ""},
		{"CI", nil, jenkins, "Jenkins hello #3"},
		{"Neither", nil, func(string) string { return "" }, ""},
	} {
		if got, err := deploy.ChangeNote(tc.message, tc.getenv); err != nil || got != tc.want {
			t.Errorf("%s: got %q %v, want %q", tc.name, got, err, tc.want)
		}
	}
	_, err := deploy.ChangeNote(&long, jenkins)
	if oe := (*deploy.OverrideError)(nil); !errors.As(err, &oe) || oe.Flag != "message" {
		t.Errorf("too long: %v", err)
	}
}
