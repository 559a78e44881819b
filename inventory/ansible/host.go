package ansible

import (
	"strings"
)

// Host is one host of an Ansible inventory, with its variables resolved.
type Host struct {
	Name    string            // inventory_hostname
	Address string            // ansible_host, else Name
	User    string            // ansible_user; "" when unset
	Port    int               // ansible_port, 1 to 65535; 0 when unset
	Groups  []string          // every group it is in, with ancestors, all and ungrouped; sorted
	Vars    map[string]string // its variables after precedence, as text, ansible_* included
	Line    int               // where it is first defined
}

// maxLabel mirrors fleet's limit on label names and values.
const maxLabel = 128

// Labels returns the host's variables that can be fleet labels: not
// ansible_*, and with a name and value inside fleet's label syntax (name:
// a letter or digit, then letters, digits, '.', '_', '/', '-'; value:
// letters, digits and '.', '_', '/', ':', '+', '-'; both at most 128
// bytes). Anything else is left out rather than refused: an inventory
// holds many variables that were never meant as labels.
func (h Host) Labels() map[string]string {
	out := map[string]string{}
	for k, v := range h.Vars {
		if !strings.HasPrefix(k, "ansible_") && labelName(k) && labelValue(v) {
			out[k] = v
		}
	}
	return out
}

// labelName and labelValue copy inventory's validLabelKey and
// validLabelValue; TestLabels_AcceptedByInventory keeps them in step.

func labelName(s string) bool {
	return s != "" && len(s) <= maxLabel && isAlnum(s[0]) && onlyChars(s, "._/-")
}

func labelValue(s string) bool {
	return len(s) <= maxLabel && onlyChars(s, "._/:+-")
}

func onlyChars(s, punct string) bool {
	for i := 0; i < len(s); i++ {
		if !isAlnum(s[i]) && !strings.ContainsRune(punct, rune(s[i])) {
			return false
		}
	}
	return true
}

func isAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}
