package agent

import (
	"errors"
	"fmt"
	"io/fs"
)

// explainDenied adds to a failure the kernel denied who the agent runs as,
// when that is not root: the usual cause is an SSH user other than root
// without ssh.sudo, which a bare "permission denied" does not say.
func (s *session) explainDenied(err error) error {
	var e *Error
	user := s.deps.User
	if user == "" || user == "root" || !errors.Is(err, fs.ErrPermission) || !errors.As(err, &e) {
		return err
	}
	explained := *e
	explained.Message += fmt.Sprintf(" (the agent runs as %s, not root: a non-root SSH user needs ssh.sudo: true in the inventory)", user)
	return &explained
}
