package render

import (
	"strings"
	"testing"

	"github.com/fleetdeploy/fleet/deploy"
)

func TestPlanHooks(t *testing.T) {
	var b strings.Builder
	planHooks(&b, nil)
	if b.Len() != 0 {
		t.Errorf("no hooks: %q", b.String())
	}
	planHooks(&b, []deploy.PlanHook{
		{Hook: "before", Argv: []string{"hello", "migrate", "-to", "3"}, User: "hello", Timeout: "10m0s", Host: "web1", Hosts: 1},
		{Hook: "after_start", Argv: []string{"/bin/sh", "-c", "curl -fsS localhost/warm"}, User: "root", Timeout: "5m0s", Hosts: 3},
	})
	want := `
Hooks:
HOOK         WHERE                   USER   TIMEOUT  COMMAND
before       web1                    hello  10m0s    hello migrate -to 3
after_start  each changing host (3)  root   5m0s     /bin/sh -c "curl -fsS localhost/warm"
`
	if b.String() != want {
		t.Errorf("got:\n%s\nwant:\n%s", b.String(), want)
	}
}
