//go:build unix

package transport

import "syscall"

// proxySysProcAttr starts a proxy command in a session of its own, which
// ssh does not do, for two reasons. A Ctrl-C at the terminal goes to the
// whole foreground process group: it would kill every proxy at once, while
// fleet's first Ctrl-C lets the steps in flight finish and cleans up over
// those very connections. And without a controlling terminal a proxy that
// wants to prompt (a passphrase, a host key question) fails at once with
// its reason on stderr, instead of twenty of them fighting over one
// terminal until the connect timeout.
func proxySysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setsid: true}
}
