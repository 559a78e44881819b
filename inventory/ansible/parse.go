package ansible

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"

	"github.com/fleetdeploy/fleet/inventory"
)

// Load reads and parses an inventory file.
func Load(path string) ([]Host, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("load ansible inventory: %w", err)
	}
	return Parse(path, data)
}

// Parse parses an INI or YAML inventory (see the package documentation
// for how it tells them apart), naming it file in errors. It returns the
// hosts in the order they are first defined. On failure the error is an
// inventory.Errors holding every problem found, each a
// *inventory.FieldError with File, Line, Column (0 in INI) and Msg. An
// inventory with no hosts is not an error here.
//
// Parse selects nothing, so every host's problems refuse the file: a
// template or a connection that is not SSH anywhere in it. Read and
// Inventory.Select raise them only for selected hosts, and report the
// settings fleet ignores.
func Parse(file string, data []byte) ([]Host, error) {
	inv, err := Read(file, data)
	if err != nil {
		return nil, err
	}
	if err := inv.hostErrors(inv.Hosts); err != nil {
		return nil, fieldErrors(err)
	}
	return inv.Hosts, nil
}

// parse reads the text into b and resolves its hosts; problems are in b.
func (b *builder) parse(data []byte) []Host {
	text := strings.TrimPrefix(string(data), "\uFEFF")
	root, isYAML := detect(b, b.file, text)
	switch {
	case isYAML && root != nil:
		parseYAML(b, root)
	case !isYAML:
		checkUTF8(b, text)
		parseINI(b, text)
		if len(b.list) > 0 && root != nil {
			// Likely a YAML inventory with a mistake at the top level.
			b.add(at(root), "read as INI: as YAML this is a mapping, but not of groups; "+
				"if it is a YAML inventory, put its groups under all: or name the file .yml")
		}
	}
	return b.resolve()
}

// yamlExts are the extensions Ansible's yaml plugin reads by default.
var yamlExts = []string{".yml", ".yaml", ".json"}

// detect decides between YAML and INI. A file whose name ends in .yml,
// .yaml or .json is YAML. Any other file is YAML when it parses as a YAML
// mapping that has an "all" key, or whose values are all groups (mappings
// or empty); otherwise it is INI. For YAML it returns the root mapping,
// nil when there is nothing to read or it is broken (and reported). For
// INI it returns the root when the text is a YAML mapping all the same,
// so Parse can hint at that if INI parsing fails.
func detect(b *builder, file, text string) (*yaml.Node, bool) {
	forced := false
	for _, ext := range yamlExts {
		forced = forced || strings.EqualFold(filepath.Ext(file), ext)
	}
	root, extra, err := yamlDocument(text)
	switch {
	case err != nil:
		if forced {
			b.syntaxError(err)
		}
		return nil, forced
	case root == nil:
		return nil, forced
	case !forced && !looksLikeInventory(root):
		if root.Kind == yaml.MappingNode {
			return root, false
		}
		return nil, false
	}
	if extra != nil {
		b.add(at(extra), "only one YAML document is allowed")
	}
	if root.Kind != yaml.MappingNode {
		b.add(at(root), "a YAML inventory must be a mapping of groups, such as all: {hosts: …, children: …}, got %s", inventory.Describe(root))
		return nil, true
	}
	for i := 0; i+1 < len(root.Content); i += 2 {
		if k := inventory.Deref(root.Content[i]); k.Kind == yaml.ScalarNode && k.Value == "plugin" {
			b.add(at(k), "%s", pluginMessage(b.file, root.Content[i+1]))
			return nil, true
		}
	}
	return root, true
}

// pluginMessage refuses an inventory plugin's configuration, and says
// how to get an inventory fleet reads from it.
func pluginMessage(file string, name *yaml.Node) string {
	plugin := "an inventory plugin"
	if v := inventory.Deref(name); v != nil && v.Kind == yaml.ScalarNode && v.Value != "" {
		plugin = fmt.Sprintf("inventory plugin %s", v.Value)
	}
	return fmt.Sprintf("this is the configuration of %s, not an inventory: fleet does not run inventory plugins; "+
		"write the inventory it makes to a file with ansible-inventory -i %s --list --yaml > hosts.yml "+
		"(with the other -i sources it reads, if any) and give fleet that file", plugin, file)
}

// yamlDocument parses text as one YAML document. root is nil for an
// empty document; extra is the start of a second document, if any.
func yamlDocument(text string) (root, extra *yaml.Node, err error) {
	dec := yaml.NewDecoder(strings.NewReader(text))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, nil, nil
		}
		return nil, nil, err
	}
	var next yaml.Node
	if err := dec.Decode(&next); err == nil && len(next.Content) > 0 && !inventory.IsNull(next.Content[0]) {
		extra = next.Content[0]
	}
	if len(doc.Content) == 0 || inventory.IsNull(inventory.Deref(doc.Content[0])) {
		return nil, extra, nil
	}
	return inventory.Deref(doc.Content[0]), extra, nil
}

// looksLikeInventory is the detection rule for files without a YAML
// extension: a mapping with an "all" or "plugin" key, or one whose values
// are all mappings or empty, as groups are. An INI file practically never
// parses that way: its [sections] and key=value lines are not YAML
// mappings of mappings.
func looksLikeInventory(root *yaml.Node) bool {
	if root.Kind != yaml.MappingNode || len(root.Content) == 0 {
		return false
	}
	groups := true
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := inventory.Deref(root.Content[i]), inventory.Deref(root.Content[i+1])
		if k.Kind == yaml.ScalarNode && (k.Value == All || k.Value == "plugin") {
			return true
		}
		groups = groups && (inventory.IsNull(v) || v.Kind == yaml.MappingNode)
	}
	return groups
}

func (b *builder) syntaxError(err error) {
	if line, msg, ok := inventory.SyntaxErrorLine(err); ok {
		b.add(pos{line: line}, "invalid YAML: %s", msg)
		return
	}
	b.add(pos{}, "invalid YAML: %s", strings.TrimPrefix(err.Error(), "yaml: "))
}

// checkUTF8 reports INI lines that are not UTF-8, which Ansible refuses
// too, except in comments.
func checkUTF8(b *builder, text string) {
	for i, line := range bytes.Split([]byte(text), []byte("\n")) {
		t := bytes.TrimSpace(line)
		if len(t) > 0 && t[0] != '#' && t[0] != ';' && !utf8.Valid(t) {
			b.add(pos{line: i + 1}, "line is not valid UTF-8")
		}
	}
}
