package deploy

import (
	"runtime"
	"strings"
	"testing"
)

// TestAgentBinary_MissingSaysHowToBuildOne: for a host architecture with
// no binary beside the controller, the error gives a command that works.
func TestAgentBinary_MissingSaysHowToBuildOne(t *testing.T) {
	goarch := "riscv64"
	if runtime.GOARCH == goarch {
		goarch = "s390x"
	}
	_, err := agentBinary("", goarch)
	if err == nil {
		t.Fatalf("found a linux/%s binary beside the test binary", goarch)
	}
	for _, want := range []string{"GOOS=linux GOARCH=" + goarch + " go build", "fleet-linux-" + goarch, "--agent-binary"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
	if got, err := agentBinary("/opt/fleet-arm64", goarch); err != nil || got != "/opt/fleet-arm64" {
		t.Errorf("--agent-binary: got %q, %v", got, err)
	}
}
