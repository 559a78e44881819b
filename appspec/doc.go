// Package appspec is the one definition of an app spec: its types (Spec
// and what it holds), whose JSON is what the controller sends the agent in
// hello, and the rules its names, paths, units, ports and health checks
// follow. package inventory decodes the app section into a Spec, applying
// each rule where a value is written and adding its file:line:col;
// package agent runs Spec.Validate, the same rules, again on the host,
// where it runs as root. So the inventory cannot accept what the agent
// refuses.
//
// Each rule returns an error worded to follow the field's name, such as
// "must not contain '/'"; the caller says which field. appspec is pure:
// no I/O, no clock, no state.
package appspec
