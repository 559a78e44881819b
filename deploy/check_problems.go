package deploy

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/fleetdeploy/fleet/agent"
	"github.com/fleetdeploy/fleet/inventory"
	"github.com/fleetdeploy/fleet/transport"
)

// CheckKind names what fleet check found wrong.
type CheckKind string

// What fleet check looks at, in the order it does.
const (
	CheckSSH     CheckKind = "ssh"      // reach the host and log in with the inventory's settings
	CheckHostKey CheckKind = "host_key" // the host's key is the one known_hosts records
	CheckArch    CheckKind = "arch"     // the agent runs on the host's architecture
	CheckAgent   CheckKind = "agent"    // the verified agent is on the host and answers
	CheckSudo    CheckKind = "sudo"     // the agent runs as root, by the one documented sudo rule
	CheckUnit    CheckKind = "unit"     // each unit exists and runs the binary through current
	CheckRoot    CheckKind = "root"     // the app root is root's and not writable by others
	CheckSpace   CheckKind = "space"    // room for one more release
	CheckConsul  CheckKind = "consul"   // the local Consul agent answers with the token
	CheckClock   CheckKind = "clock"    // the host's clock is within clockTolerance of the controller's
)

// clockTolerance is how far a host's clock may be off the controller's.
// Journal times, history's merged timeline and the lock's "since" are
// compared across hosts; seconds apart already misorder them.
const clockTolerance = 3 * time.Second

// Problem is one thing wrong on a host and what to do about it.
type Problem struct {
	Host  string    `json:"host"`
	Check CheckKind `json:"check"`
	What  string    `json:"what"`
	Fix   string    `json:"fix"`
}

// String is the problem's line: "lab3: unit: …; fix: …".
func (p Problem) String() string {
	return fmt.Sprintf("%s: %s: %s; fix: %s", p.Host, p.Check, p.What, p.Fix)
}

func (h *HostCheck) add(p Problem) {
	p.Host = h.Host
	h.Problems = append(h.Problems, p)
}

// dialProblem says why the host could not be logged into.
func dialProblem(h inventory.Host, err error) Problem {
	var hk *transport.HostKeyError
	var kh *transport.KnownHostsError
	switch {
	case errors.As(err, &hk) && errors.Is(err, transport.ErrHostKeyUnknown):
		host, port := splitHostPort(hk.Host)
		scan := keyscanCommand(&transport.KnownHostsError{File: hk.KnownHosts, Host: host, Port: port})
		return Problem{Check: CheckHostKey, What: err.Error(),
			Fix: "check the fingerprint " + hk.Fingerprint + " with the host's owner, then record the key: " + scan}
	case errors.Is(err, transport.ErrHostKeyMismatch):
		return Problem{Check: CheckHostKey, What: err.Error(), Fix: strings.Trim(hostKeyHint(err), " ()")}
	case errors.As(err, &kh) && errors.Is(kh, fs.ErrNotExist):
		return Problem{Check: CheckHostKey, What: err.Error(),
			Fix: "check the hosts' fingerprints with their owners, then record them: " + keyscanCommand(kh)}
	case errors.Is(err, transport.ErrAuthFailed):
		return Problem{Check: CheckSSH, What: err.Error(),
			Fix: "put one of the offered public keys in ~" + userOr(h.SSH.User) + "/.ssh/authorized_keys on the host, or set ssh.user / ssh.identity_files"}
	}
	return Problem{Check: CheckSSH, What: err.Error(),
		Fix: "check the host's address and ssh.port (or ~/.ssh/config), that sshd runs, and the way there (ssh.jump)"}
}

func userOr(u string) string {
	if u == "" {
		return "<ssh user>"
	}
	return u
}

// splitHostPort reads known_hosts' "[host]:port" (off port 22) or "host".
func splitHostPort(s string) (string, int) {
	if h, p, err := net.SplitHostPort(s); err == nil {
		n, _ := strconv.Atoi(p)
		return strings.Trim(h, "[]"), n
	}
	return s, 0
}

// sudoProblem asks sudo, without running anything, whether the SSH user
// may run this agent as root without a password: `sudo -n -l <command>`
// exits 0 only when the sudoers policy allows exactly that command. The
// rule named in the fix is the one README documents; nothing more is
// needed.
func sudoProblem(ctx context.Context, conn transport.Conn, remote remoteAgent) (Problem, bool) {
	var out strings.Builder
	cmd := `printf '%s\n%s\n' "$(id -un)" "$HOME"; exec sudo -n -l -- "$HOME"/` + transport.Quote(remote.path) + " agent serve"
	err := conn.Run(ctx, cmd, nil, &out, nil)
	var ee *transport.ExitError
	if err == nil {
		return Problem{}, false
	}
	if !errors.As(err, &ee) {
		return Problem{Check: CheckSudo, What: "sudo -n -l: " + err.Error(), Fix: "check that sudo is installed on the host"}, true
	}
	user, home, _ := strings.Cut(strings.TrimSpace(out.String()), "\n")
	answer := strings.TrimSpace(ee.Stderr)
	if answer == "" {
		answer = "not allowed (exit " + strconv.Itoa(ee.Code) + ")"
	}
	return Problem{Check: CheckSudo,
		What: fmt.Sprintf("sudo -n will not run the agent as root for %s: %s; the rest was read as %s", user, firstLine(answer), user),
		Fix:  fmt.Sprintf("install the one rule fleet needs as /etc/sudoers.d/fleet (mode 0440): %s ALL=(root) NOPASSWD: %s/.fleet/bin/fleet-* agent serve", user, home)}, true
}

// judge turns what the agent read into problems. sudoSaid: a sudo
// problem was already reported, so an agent without root is no news.
func judge(h inventory.Host, f agent.HostCheck, clockSkew time.Duration, sudoSaid bool) []Problem {
	var ps []Problem
	if f.User != "root" && !sudoSaid {
		ps = append(ps, Problem{Check: CheckSudo, What: "the agent runs as " + f.User + ", not root: it could not restart units or write the app root",
			Fix: "set ssh.sudo: true in the inventory and install the sudo rule (README, \"A non-root SSH user\"), or log in as root"})
	}
	for _, u := range f.Units {
		if p, bad := unitProblem(u); bad {
			ps = append(ps, p)
		}
	}
	ps = append(ps, rootProblems(f.Root)...)
	if c := f.Consul; c != nil && c.Error != "" {
		ps = append(ps, Problem{Check: CheckConsul, What: "the Consul agent at " + c.Address + " does not answer with the app's token: " + firstLine(c.Error),
			Fix: "start the host's Consul agent (systemctl start consul) and check app.consul.address and the token (app.consul.token_file)"})
	}
	if clockSkew.Abs() > clockTolerance {
		dir := "ahead of"
		if clockSkew < 0 {
			dir = "behind"
		}
		ps = append(ps, Problem{Check: CheckClock, What: fmt.Sprintf("the host's clock is %s %s the controller's", clockSkew.Abs().Round(time.Second), dir),
			Fix: "sync the host's clock (timedatectl set-ntp true, or chrony) and the controller's"})
	}
	return ps
}

// unitProblem says what is wrong with one unit, if anything.
func unitProblem(u agent.UnitCheck) (Problem, bool) {
	reload := "; then systemctl daemon-reload"
	switch {
	case u.Error != "":
		return Problem{Check: CheckUnit, What: u.Name + ": could not read it: " + firstLine(u.Error),
			Fix: "check systemd on the host (systemctl status " + u.Name + ")"}, true
	case u.LoadState == "masked":
		return Problem{Check: CheckUnit, What: u.Name + " is masked", Fix: "systemctl unmask " + u.Name}, true
	case u.LoadState != "loaded":
		return Problem{Check: CheckUnit, What: fmt.Sprintf("%s does not exist (systemd: %s)", u.Name, u.LoadState),
			Fix: "install its unit file with ExecStart=" + u.Want + reload}, true
	case !u.Resolves:
		from := u.Fragment
		if len(u.DropIns) > 0 {
			from += ", drop-ins " + strings.Join(u.DropIns, ", ")
		}
		what := fmt.Sprintf("%s runs %q, not %s (from %s)", u.Name, u.ExecStart, u.Want, strings.TrimPrefix(from, ", "))
		return Problem{Check: CheckUnit, What: what,
			Fix: "make its ExecStart= " + u.Want + " (or a symlink to it) in the unit file or the drop-in that overrides it" + reload}, true
	}
	return Problem{}, false
}

// rootProblems judges the app root's owner, mode and free space.
func rootProblems(r agent.RootCheck) []Problem {
	var ps []Problem
	switch {
	case r.Error != "":
		ps = append(ps, Problem{Check: CheckRoot, What: r.Path + ": " + firstLine(r.Error), Fix: "check " + r.Path + " on the host"})
	case r.Exists && !r.Dir:
		ps = append(ps, Problem{Check: CheckRoot, What: r.Path + " is not a directory", Fix: "remove it, or set app.root to a directory"})
	case r.Exists && (r.UID != 0 || r.Mode&0o022 != 0):
		ps = append(ps, Problem{Check: CheckRoot,
			What: fmt.Sprintf("%s is owned by uid %d, gid %d, mode %04o: whoever may write it can change what runs as the service", r.Path, r.UID, r.GID, r.Mode),
			Fix:  fmt.Sprintf("chown root:root %s && chmod 0755 %s", r.Path, r.Path)})
	}
	if r.Error == "" && r.Need > 0 && r.Free < r.Need {
		ps = append(ps, Problem{Check: CheckSpace,
			What: fmt.Sprintf("%d MiB free for %s, a release needs %d MiB", r.Free>>20, r.Path, (r.Need+1<<20-1)>>20),
			Fix:  "free space on that file system (app.keep bounds the releases fleet keeps)"})
	}
	return ps
}
