//go:build !unix

package agent

import "io/fs"

// fileOwner: the agent only runs on Linux hosts (sys_other.go).
func fileOwner(fs.FileInfo) (uid, gid int, ok bool) { return -1, -1, false }
