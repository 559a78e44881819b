package appspec

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
)

// Defaults of a shared path the agent creates, when the inventory sets
// no owner, group or mode: root's, a directory 0755, a file 0640 (a
// secret until someone decides otherwise).
const (
	DefaultSharedOwner           = "root"
	DefaultSharedGroup           = "root"
	DefaultSharedDirMode  uint32 = 0o755
	DefaultSharedFileMode uint32 = 0o640
)

// SharedEntry is one app.shared entry: a path inside every release
// (SharedPath; "var/uploads/" a directory) and the owner, group and mode
// the agent gives it when it creates it, on first use. An existing
// shared path is never changed: they are not applied to it.
type SharedEntry struct {
	Path  string `json:"path"`
	Owner string `json:"owner,omitempty"` // a user name; "": DefaultSharedOwner
	Group string `json:"group,omitempty"` // a group name; "": DefaultSharedGroup
	Mode  string `json:"mode,omitempty"`  // octal (SharedMode); "": by kind, see above
}

// IsDir reports whether the entry names a directory.
func (e SharedEntry) IsDir() bool { return SharedIsDir(e.Path) }

// Name is the entry's path without the trailing "/" of a directory.
func (e SharedEntry) Name() string { return SharedName(e.Path) }

// OwnerName is the user the agent gives the path it creates.
func (e SharedEntry) OwnerName() string {
	if e.Owner == "" {
		return DefaultSharedOwner
	}
	return e.Owner
}

// GroupName is the group the agent gives the path it creates.
func (e SharedEntry) GroupName() string {
	if e.Group == "" {
		return DefaultSharedGroup
	}
	return e.Group
}

// Perm is the mode (permission bits) the agent gives the path it
// creates; Mode must have passed SharedMode.
func (e SharedEntry) Perm() uint32 {
	if e.Mode != "" {
		if m, err := strconv.ParseUint(e.Mode, 8, 32); err == nil {
			return uint32(m)
		}
	}
	if e.IsDir() {
		return DefaultSharedDirMode
	}
	return DefaultSharedFileMode
}

// Validate checks one entry alone: its path, owner, group and mode.
func (e SharedEntry) Validate() error {
	if err := SharedPath(e.Path); err != nil {
		return err
	}
	if e.Owner != "" {
		if err := UserName(e.Owner); err != nil {
			return fmt.Errorf("owner: %w", err)
		}
	}
	if e.Group != "" {
		if err := GroupName(e.Group); err != nil {
			return fmt.Errorf("group: %w", err)
		}
	}
	if e.Mode != "" {
		if err := SharedMode(e.Mode); err != nil {
			return fmt.Errorf("mode: %w", err)
		}
	}
	return nil
}

// SharedMode is the rule for a shared path's mode: octal permission bits
// as chmod reads them ("750" or "0750"), at most 0777: no setuid, setgid
// or sticky bit, which a release's data has no use for.
func SharedMode(s string) error {
	if len(s) < 3 || len(s) > 4 {
		return fmt.Errorf("must be an octal mode such as \"0750\", got %q", s)
	}
	m, err := strconv.ParseUint(s, 8, 32)
	if err != nil {
		return fmt.Errorf("must be an octal mode such as \"0750\", got %q", s)
	}
	if m > 0o777 {
		return fmt.Errorf("must be at most 0777 (no setuid, setgid or sticky bit), got %q", s)
	}
	return nil
}

// SharedEntries makes entries of plain paths, with the defaults.
func SharedEntries(paths ...string) []SharedEntry {
	out := make([]SharedEntry, len(paths))
	for i, p := range paths {
		out[i] = SharedEntry{Path: p}
	}
	return out
}

// MarshalJSON writes an entry with nothing but a path as that path, the
// wire form from before owners and modes.
func (e SharedEntry) MarshalJSON() ([]byte, error) {
	if e.Owner == "" && e.Group == "" && e.Mode == "" {
		return json.Marshal(e.Path)
	}
	type plain SharedEntry // without these methods
	return json.Marshal(plain(e))
}

// UnmarshalJSON reads an entry as a path (a JSON string) or an object
// with no field but path, owner, group and mode (the agent decodes hello
// strictly, and a custom decoder would otherwise lose that).
func (e *SharedEntry) UnmarshalJSON(b []byte) error {
	var p string
	if err := json.Unmarshal(b, &p); err == nil {
		*e = SharedEntry{Path: p}
		return nil
	}
	type plain SharedEntry
	var v plain
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&v); err != nil {
		return fmt.Errorf("a shared entry must be a path or {path, owner, group, mode}: %w", err)
	}
	*e = SharedEntry(v)
	return nil
}
