//go:build !unix

package transport

import "syscall"

// proxySysProcAttr: see proxy_command_unix.go; nothing to set here.
func proxySysProcAttr() *syscall.SysProcAttr { return nil }
