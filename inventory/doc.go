// Package inventory reads fleet.yaml: the application to deploy, how to
// reach its hosts and how fast to roll out. Parse checks the whole file and
// reports every problem at once, each with its file:line:column and field
// path, so a user fixes a file in one pass rather than one error per run.
// Everything returned is fully defaulted and resolved: callers never merge
// ssh settings or fill defaults themselves.
//
// Subpackages ansible and consulcatalog read hosts from elsewhere (an
// Ansible inventory, the Consul catalog), so hosts can come from a list a
// team already keeps. LoadSettings reads a fleet.yaml without groups, and
// AddHosts adds hosts from such another source under the same rules and
// ssh resolution as the file's own. The sources report problems with
// Errors and FieldError and read YAML with Deref, IsNull, Describe and
// SyntaxErrorLine, as Parse does.
//
// The app section is checked with package appspec's rules, the ones the
// agent applies on the host, so an inventory that loads is one every
// agent accepts; this package adds the positions and the cross-checks
// between fields. Likewise app.analysis and the analyses of
// strategy.steps (a gray release) are checked with package analysis's
// rules, the ones analysis.Run applies. It imports only the standard
// library, go.yaml.in/yaml/v3, appspec and analysis.
package inventory
