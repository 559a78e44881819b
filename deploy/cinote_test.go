package deploy_test

import (
	"testing"

	"github.com/fleetdeploy/fleet/deploy"
)

// TestCINote: the default note under CI names the build from the CI's own
// variables; outside CI there is none.
func TestCINote(t *testing.T) {
	cases := []struct {
		name string
		env  map[string]string
		want string
	}{
		{"none", map[string]string{"BUILD_NUMBER": "7"}, ""},
		{"jenkins", map[string]string{"JENKINS_URL": "https://ci/", "JOB_NAME": "hello/main", "BUILD_NUMBER": "212",
			"BUILD_URL": "https://ci/job/hello/212/"}, "Jenkins hello/main #212 https://ci/job/hello/212/"},
		{"jenkins, some unset", map[string]string{"BUILD_URL": "https://ci/job/hello/212/"}, "Jenkins https://ci/job/hello/212/"},
		{"github", map[string]string{"GITHUB_ACTIONS": "true", "GITHUB_WORKFLOW": "deploy", "GITHUB_RUN_NUMBER": "9",
			"GITHUB_SERVER_URL": "https://github.com", "GITHUB_REPOSITORY": "acme/hello", "GITHUB_RUN_ID": "123"},
			"GitHub Actions deploy #9 https://github.com/acme/hello/actions/runs/123"},
		{"gitlab", map[string]string{"GITLAB_CI": "true", "CI_PROJECT_PATH": "acme/hello", "CI_JOB_NAME": "deploy",
			"CI_JOB_ID": "55", "CI_JOB_URL": "https://gitlab/acme/hello/-/jobs/55"},
			"GitLab CI acme/hello deploy #55 https://gitlab/acme/hello/-/jobs/55"},
	}
	for _, c := range cases {
		if got := deploy.CIChangeNote(func(k string) string { return c.env[k] }); got != c.want {
			t.Errorf("%s: CIChangeNote = %q, want %q", c.name, got, c.want)
		}
	}
}
