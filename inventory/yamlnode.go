package inventory

import (
	"fmt"
	"regexp"
	"strconv"

	"go.yaml.in/yaml/v3"
)

// The YAML node helpers below are shared with the other sources of hosts
// that read YAML (inventory/ansible), so every reader walks aliases,
// names values and places syntax errors the same way.

// maxAliasChain bounds alias chasing. yaml.v3 only resolves an alias to an
// anchor seen earlier, so real chains are short; the bound is belt and braces.
const maxAliasChain = 64

// Deref follows aliases to the anchored node, so `ssh: *common` reads as
// the mapping *common names. It returns nil for nil.
func Deref(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode && i < maxAliasChain; i++ {
		n = n.Alias
	}
	return n
}

// IsNull reports whether n holds no value: nil, or a null scalar (~, null,
// or nothing after the colon).
func IsNull(n *yaml.Node) bool {
	return n == nil || (n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null")
}

// Describe names a node for "must be X, got Y" messages: "a mapping", "a
// list", "no value", a scalar quoted as written ("yes", "5"), "nothing"
// for nil and "an unresolved alias" for an alias Deref did not follow.
func Describe(n *yaml.Node) string {
	if n == nil {
		return "nothing"
	}
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		if IsNull(n) {
			return "no value"
		}
		return fmt.Sprintf("%q", n.Value)
	}
	return "an unresolved alias"
}

// yamlLine matches yaml.v3's syntax errors, "yaml: line 3: did not find
// expected key".
var yamlLine = regexp.MustCompile(`(?s)^yaml: line (\d+): (.*)$`)

// SyntaxErrorLine lifts the line out of a yaml.v3 syntax error: for
// "yaml: line 3: did not find expected key" it returns 3 and "did not find
// expected key". yaml.v3 has no typed syntax error, so this is the one
// place that reads its text, and only for the line; ok is false for an
// error of another shape, which the caller reports whole.
func SyntaxErrorLine(err error) (line int, msg string, ok bool) {
	m := yamlLine.FindStringSubmatch(err.Error())
	if m == nil {
		return 0, "", false
	}
	line, convErr := strconv.Atoi(m[1])
	if convErr != nil {
		return 0, "", false
	}
	return line, m[2], true
}
