package deploy

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
)

// goarchOf maps `uname -m` to GOARCH.
func goarchOf(machine string) (string, error) {
	switch machine {
	case "x86_64", "amd64":
		return "amd64", nil
	case "aarch64", "arm64":
		return "arm64", nil
	case "armv7l", "armv6l":
		return "arm", nil
	case "riscv64":
		return "riscv64", nil
	case "ppc64le":
		return "ppc64le", nil
	case "s390x":
		return "s390x", nil
	}
	return "", fmt.Errorf("unsupported machine %q", machine)
}

// agentBinary finds a fleet binary that runs on a Linux host of the given
// architecture: the --agent-binary file if set, this very executable when the
// controller is itself linux/<arch>, else fleet-linux-<arch> next to it
// (README: "Running on a host of another architecture").
func agentBinary(override, goarch string) (string, error) {
	if override != "" {
		return override, nil
	}
	self, err := os.Executable()
	if err != nil {
		return "", fmt.Errorf("locate own executable: %w", err)
	}
	if runtime.GOOS == "linux" && runtime.GOARCH == goarch {
		return self, nil
	}
	sibling := filepath.Join(filepath.Dir(self), "fleet-linux-"+goarch)
	if _, err := os.Stat(sibling); err == nil {
		return sibling, nil
	}
	return "", fmt.Errorf("no fleet binary for linux/%s: build one (CGO_ENABLED=0 GOOS=linux GOARCH=%s go build -o %s ./cmd/fleet) or pass --agent-binary",
		goarch, goarch, sibling)
}
