package agent

import (
	"path/filepath"
	"strings"
)

// rootPrefix is Deps.RootPrefix: where the paths the controller knows lie
// on this machine. "" (and "/") maps every path to itself.
type rootPrefix string

func newRootPrefix(p string) rootPrefix {
	if p == "/" {
		return ""
	}
	return rootPrefix(p)
}

// local is where path, absolute as the controller knows it, lies here.
func (p rootPrefix) local(path string) string {
	if p == "" {
		return path
	}
	return filepath.Join(string(p), path)
}

// shown is text the controller will read (a path, an error message) with
// the prefix taken off every local path in it, so that it reads as on a
// host without one. The prefix is an absolute directory of this machine,
// so it occurs in the agent's own text only at the start of a path.
func (p rootPrefix) shown(text string) string {
	if p == "" {
		return text
	}
	return strings.ReplaceAll(text, string(p)+"/", "/")
}
