package inventory

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"

	"go.yaml.in/yaml/v3"
)

// Inventory is a parsed, validated and fully defaulted fleet.yaml.
type Inventory struct {
	File     string // as passed to Load or Parse; prefixes every error
	App      App
	SSH      SSH // defaults <- top-level ssh; each Host carries its own
	Strategy Strategy
	Groups   []string // group names in file order
	Hosts    []Host   // in file order
}

var topFields = []string{"app", "ssh", "strategy", "groups"}

// Load reads and parses an inventory file.
func Load(path string) (*Inventory, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("load inventory: %w", err)
	}
	return Parse(path, data)
}

// Parse parses and validates data, naming it file in errors. On failure
// the error is an Errors holding every problem found. ~ in paths is
// expanded against $HOME here.
func Parse(file string, data []byte) (*Inventory, error) {
	home, _ := os.UserHomeDir() // "" when unset; only ~ paths need it
	d := &decoder{file: file, home: home}
	root := d.document(data)
	if root == nil {
		return nil, d.sorted()
	}
	inv := d.inventory(root)
	if len(d.errs) > 0 {
		return nil, d.sorted()
	}
	return inv, nil
}

func (d *decoder) inventory(root *yaml.Node) *Inventory {
	f := d.fields(root, at{}, topFields...)
	inv := &Inventory{File: d.file}
	app, slots := d.app(f["app"], root, at{field: "app"})
	inv.App = app
	top := d.sshLayer(f["ssh"], at{field: "ssh"})
	inv.SSH = top.over(d.defaultSSH(top, orAt(f["ssh"], root)))
	sc := stepContext{consulWritten: lookup(f["app"], "consul") != nil, analysis: app.Analysis,
		analysisWritten: lookup(f["app"], "analysis") != nil}
	inv.Strategy = d.strategy(f["strategy"], root, at{field: "strategy"}, slots, sc)
	if d.settingsOnly {
		if n, ok := f["groups"]; ok {
			d.errorf(Deref(n), at{field: "groups"}, "must not be set: the hosts come from another source")
		}
		return inv
	}
	inv.Groups, inv.Hosts = d.groups(f["groups"], root, at{field: "groups"}, inv.SSH, slots)
	d.hooksGroup(f["app"], inv)
	return inv
}

// document parses data into its root mapping, or returns nil after
// recording why there is none.
func (d *decoder) document(data []byte) *yaml.Node {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			d.errorf(&yaml.Node{Line: 1, Column: 1}, at{}, "file is empty")
		} else {
			d.syntaxError(err, data)
		}
		return nil
	}
	var extra yaml.Node
	switch err := dec.Decode(&extra); {
	case errors.Is(err, io.EOF):
	case err != nil:
		d.syntaxError(err, data)
	case len(extra.Content) > 0 && !IsNull(extra.Content[0]):
		d.errorf(extra.Content[0], at{}, "only one YAML document is allowed")
	}
	if len(doc.Content) == 0 || IsNull(Deref(doc.Content[0])) {
		d.errorf(&yaml.Node{Line: 1, Column: 1}, at{}, "file is empty")
		return nil
	}
	root := Deref(doc.Content[0])
	if root.Kind != yaml.MappingNode {
		d.errorf(root, at{}, "must be a mapping with app, ssh, strategy and groups, got %s", describe(root))
		return nil
	}
	return root
}

func (d *decoder) syntaxError(err error, data []byte) {
	e := &FieldError{File: d.file, Msg: err.Error()}
	if line, msg, ok := SyntaxErrorLine(err); ok {
		e.Line, e.Msg = line, "invalid YAML: "+msg+foldedHint(data, line)
	}
	d.errs = append(d.errs, e)
}
