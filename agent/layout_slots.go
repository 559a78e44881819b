package agent

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// Slot layout (DESIGN.md, "On the host"): <root>/slots/<slot>/current ->
// ../../releases/<v>, and <root>/slots/<slot>/env, the template unit's
// EnvironmentFile.
const (
	slotsDir    = "slots"
	slotEnvFile = "env"
)

func (l layout) slots() string           { return filepath.Join(l.root, slotsDir) }
func (l layout) slot(name string) string { return filepath.Join(l.root, slotsDir, name) }
func (l layout) slotEnv(name string) string {
	return filepath.Join(l.root, slotsDir, name, slotEnvFile)
}

func (l layout) slotCurrent(name string) string {
	return filepath.Join(l.root, slotsDir, name, currentLink)
}

// slotLinkTarget is what a slot's current points at, relative like
// current's own.
func slotLinkTarget(v string) string { return "../../" + releasesDir + "/" + v }

// readSlotCurrent returns the version a slot's current points at, "" when
// the slot has none yet.
func (l layout) readSlotCurrent(name string) (string, error) {
	target, err := os.Readlink(l.slotCurrent(name))
	if os.IsNotExist(err) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("read slot %s current: %w", name, err)
	}
	v, ok := strings.CutPrefix(target, "../../"+releasesDir+"/")
	if !ok || ValidateVersion(v) != nil {
		return "", fmt.Errorf("read slot %s current: unexpected target %q", name, target)
	}
	return v, nil
}

// ensureSlot creates slots/ and slots/<name>/.
func (l layout) ensureSlot(name string) error {
	if err := ensureDir(l.slots(), rootDirMode); err != nil {
		return err
	}
	return ensureDir(l.slot(name), rootDirMode)
}

// slotEnv is the slot's EnvironmentFile: the template unit learns its
// port and slot from it, and the version for its logs.
func slotEnv(slot string, port int, v string) []byte {
	return []byte("PORT=" + strconv.Itoa(port) + "\nFLEET_SLOT=" + slot + "\nFLEET_VERSION=" + v + "\n")
}

// replaceSlotCurrent points a slot at v: the env file first, then the
// symlink, each replaced atomically. The symlink is the commit point: a
// crash in between leaves the slot on its old release, with an env file
// whose only change (FLEET_VERSION) is informational.
func (l layout) replaceSlotCurrent(inst instance, v string) error {
	if err := l.ensureSlot(inst.slot); err != nil {
		return err
	}
	if err := writeFileAtomic(l.slotEnv(inst.slot), slotEnv(inst.slot, inst.port, v), pubFileMode); err != nil {
		return err
	}
	dir := l.slot(inst.slot)
	tmp := filepath.Join(dir, currentLink+tmpInfix+randomSuffix())
	if err := os.Symlink(slotLinkTarget(v), tmp); err != nil {
		return err
	}
	if err := os.Rename(tmp, l.slotCurrent(inst.slot)); err != nil {
		_ = os.Remove(tmp) // the rename failed; the slot is untouched
		return err
	}
	return syncDir(dir)
}
