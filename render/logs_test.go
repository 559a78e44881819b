package render

import (
	"bytes"
	"errors"
	"testing"
	"time"

	"github.com/fleetdeploy/fleet/agent"
	"github.com/fleetdeploy/fleet/deploy"
	"github.com/fleetdeploy/fleet/inventory"
	"github.com/fleetdeploy/fleet/plan"
)

// TestLogLines: text puts each line after its host (padded to the
// widest) and the failure of a host on stderr; JSON is one object per
// line, an entry or a failure.
func TestLogLines(t *testing.T) {
	at := time.Date(2026, 12, 6, 10, 0, 0, 123_000_000, time.UTC)
	entry := deploy.LogLine{Host: "lab1", Entry: agent.LogEntry{Time: at, Unit: "hello.service", Priority: 6, PID: 42, Message: "GET /x\nsecond line"}}
	failed := deploy.LogLine{Host: "lab22", Err: &plan.HostError{Host: "lab22", Op: "connect", Err: errors.New("host key unknown")}}

	var out, errOut bytes.Buffer
	line := LogLines(&out, &errOut, false, []inventory.Host{{Name: "lab1"}, {Name: "lab22"}})
	line(entry)
	line(failed)
	stamp := at.Local().Format(logTime)
	want := "lab1  | " + stamp + " hello.service: GET /x\n" + "lab1  | " + stamp + " hello.service: second line\n"
	if out.String() != want {
		t.Errorf("text:\n%s\nwant:\n%s", out.String(), want)
	}
	if errOut.String() != "fleet logs: lab22: connect: host key unknown\n" {
		t.Errorf("text failure %q", errOut.String())
	}

	out.Reset()
	line = LogLines(&out, &errOut, true, nil)
	line(entry)
	line(failed)
	want = `{"host":"lab1","unit":"hello.service","time":"2026-12-06T10:00:00.123Z","priority":6,"pid":42,"message":"GET /x\nsecond line"}` + "\n" +
		`{"host":"lab22","error":"connect: host key unknown"}` + "\n"
	if out.String() != want {
		t.Errorf("json:\n%s\nwant:\n%s", out.String(), want)
	}
}
