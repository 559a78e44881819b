// Package appspec is the one definition of the rules an app spec follows:
// the names, paths, units, ports and health checks the controller sends
// the agent in hello. package inventory applies them where a value is
// written, adding its file:line:col; package agent applies them again on
// the host, where it runs as root. Both call these functions, so the
// inventory cannot accept what the agent refuses.
//
// Each rule returns an error worded to follow the field's name, such as
// "must not contain '/'"; the caller says which field. appspec is pure:
// no I/O, no clock, no state.
package appspec
