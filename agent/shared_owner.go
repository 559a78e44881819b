package agent

import (
	"errors"
	"fmt"
	"os"
	"os/user"
	"strconv"

	"github.com/fleetdeploy/fleet/appspec"
)

// sharedIDs are the uid and gid a shared path is created with; -1 keeps
// the agent's own (root's), the default, so a plain entry is never
// chown'd and an agent that is not root still creates it.
type sharedIDs struct{ uid, gid int }

// sharedOwners resolves every app.shared owner and group in this host's
// user database. install calls it before anything is staged: an unknown
// name refuses the staging, since a path created with the wrong owner
// would stay so (fleet never changes an existing one).
func (s *session) sharedOwners(v string) (map[string]sharedIDs, error) {
	out := make(map[string]sharedIDs, len(s.spec.Shared))
	for _, e := range s.spec.Shared {
		ids := sharedIDs{uid: -1, gid: -1}
		var err error
		if e.Owner != "" {
			ids.uid, err = lookupID(e.Owner, false)
		}
		if err == nil && e.Group != "" {
			ids.gid, err = lookupID(e.Group, true)
		}
		var unknown unknownNameError
		switch {
		case errors.As(err, &unknown):
			return nil, errorf(CodeBadRequest, "stage %s: app.shared %s: %s %s does not exist on this host: create it or change app.shared; nothing was installed",
				v, e.Path, unknown.kind, unknown.name)
		case err != nil:
			return nil, ioError("stage", fmt.Errorf("app.shared %s: %w", e.Path, err))
		}
		out[e.Path] = ids
	}
	return out, nil
}

// unknownNameError is a user or group the host does not know.
type unknownNameError struct{ kind, name string }

func (e unknownNameError) Error() string { return fmt.Sprintf("unknown %s %s", e.kind, e.name) }

// lookupID is the uid of user name, or the gid of group name.
func lookupID(name string, group bool) (int, error) {
	kind, id := "user", ""
	if group {
		kind = "group"
		g, err := user.LookupGroup(name)
		if err != nil {
			return 0, lookupErr(kind, name, err)
		}
		id = g.Gid
	} else {
		u, err := user.Lookup(name)
		if err != nil {
			return 0, lookupErr(kind, name, err)
		}
		id = u.Uid
	}
	n, err := strconv.ParseUint(id, 10, 32)
	if err != nil {
		return 0, fmt.Errorf("%s %s: id %q: %w", kind, name, id, err)
	}
	return int(n), nil
}

func lookupErr(kind, name string, err error) error {
	var uu user.UnknownUserError
	var ug user.UnknownGroupError
	if errors.As(err, &uu) || errors.As(err, &ug) {
		return unknownNameError{kind: kind, name: name}
	}
	return fmt.Errorf("%s %s: %w", kind, name, err)
}

// chownShared gives a shared path the agent just created its owner,
// group and mode (chmod last: chown may clear mode bits, and the umask
// narrowed the create).
func chownShared(full string, e appspec.SharedEntry, ids sharedIDs) error {
	if ids.uid != -1 || ids.gid != -1 {
		if err := os.Lchown(full, ids.uid, ids.gid); err != nil {
			return err
		}
	}
	return os.Chmod(full, os.FileMode(e.Perm()))
}
