package agent

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/user"
	"runtime"
	"strconv"
)

// ServeHost is Serve on this host's real parts — systemd over D-Bus,
// journalctl, the process's own identity and sudo's — which is what
// `fleet agent serve` runs; tests give Serve fakes instead.
func ServeHost(ctx context.Context, in io.Reader, out io.Writer, log *slog.Logger, agentVersion string) error {
	units, err := NewSystemd(ctx)
	if err != nil {
		return fmt.Errorf("agent: %w", err)
	}
	defer units.Close()
	hostname, _ := os.Hostname()
	deps := Deps{
		Units:        units,
		Journal:      Journalctl{},
		Logs:         Journalctl{},
		Logger:       log,
		Hostname:     hostname,
		Arch:         runtime.GOARCH,
		User:         effectiveUser(),
		AgentVersion: agentVersion,
		SudoUID:      envID("SUDO_UID"),
		SudoGID:      envID("SUDO_GID"),
		// The controller went silent and the session could not end:
		// exiting is what frees the lock (the kernel drops the flock,
		// as on SIGKILL, which every step is built to survive).
		Abandon: func() {
			log.Error("session stuck after its controller went silent; exiting to free the lock")
			os.Exit(1)
		},
	}
	return Serve(ctx, in, out, deps)
}

// effectiveUser names the user the agent runs as (its uid when the name
// cannot be read).
func effectiveUser() string {
	if u, err := user.LookupId(strconv.Itoa(os.Geteuid())); err == nil {
		return u.Username
	}
	return strconv.Itoa(os.Geteuid())
}

// envID reads SUDO_UID/SUDO_GID; -1 when not run by sudo.
func envID(name string) int {
	v, err := strconv.Atoi(os.Getenv(name))
	if err != nil {
		return -1
	}
	return v
}
