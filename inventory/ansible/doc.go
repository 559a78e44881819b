// Package ansible reads static Ansible inventories, INI or YAML, so teams
// that already keep one need not keep a second host list for fleet. Read
// returns the inventory; Inventory.Select takes Ansible's host patterns
// and returns the selected hosts, each with its groups and its variables
// after Ansible's precedence rules, and the warnings to print once;
// deploy.LoadSource turns them into inventory hosts, taking labels from
// Host.Labels. Parse is Read and Select("") in one, without warnings.
//
// # INI or YAML
//
// A file named *.yml, *.yaml or *.json is YAML. Any other file is YAML when
// it parses as a YAML mapping that has an "all" key, or whose values are
// all mappings or empty (groups); otherwise it is INI. INI text does not
// parse that way: its [sections] are not valid YAML and its key=value
// lines are plain scalars.
//
// # What is read
//
//   - groups, with [g:children] / children: and [g:vars] / vars:;
//   - host lines "web1 ansible_host=10.0.0.1 ansible_port=2222 zone=a", and
//     host mappings with their variables in YAML;
//   - host patterns with a port, web1:2222 or [2001:db8::1]:2222, which
//     sets ansible_port;
//   - ranges, web[01:20].example.com (zero padded like its start),
//     db-[a:c], with an optional step, [01:20:2], several per pattern;
//   - the implicit groups: all holds every host, ungrouped the hosts in no
//     other group; INI lines before the first section are ungrouped hosts;
//   - variable precedence as in Ansible: host variables over group
//     variables; among groups, deeper ones (children) over shallower ones
//     (parents) over all, and at equal depth by ansible_group_priority,
//     then by name, the later winning;
//   - ansible_host, ansible_user and ansible_port become Address, User and
//     Port; the older ansible_ssh_host, ansible_ssh_user and
//     ansible_ssh_port are read too and win when both are set, as in
//     Ansible's ssh connection plugin;
//   - ansible_ssh_private_key_file (or ansible_private_key_file, which it
//     overrides) becomes IdentityFiles, ~ expanded;
//   - ansible_connection becomes Connection: ssh, smart and paramiko (by
//     short or full name) are SSH; any other refuses the host when it is
//     selected, or leaves it out with a warning under Options.SkipNonSSH.
//
// # Selection
//
// Select reads Ansible's patterns (inventory.AnsiblePatterns): web:db,
// web:!web3, web:&canary, ~web0[1-3], web[0:2], all, globs over group and
// host names, commas or colons between terms, and selects the hosts
// ansible --limit selects (TestSelect_SameHostsAsAnsible compares them
// when ansible is installed). A slice counts a group's hosts as Ansible
// does: its own in the order added, then its children's; a term or a
// pattern that selects nothing is an error, where Ansible warns, and
// Ansible's implicit localhost is no host unless the inventory has it.
//
// What stops a host only matters if it is selected: a Jinja2 template or
// a !vault value in ansible_host, ansible_user, ansible_port,
// ansible_connection or the key file, or a connection that is not SSH.
// Select refuses the selected hosts it concerns with one HostError per
// place that sets the value (ErrTemplate, ErrVault, ErrNotSSH).
//
// Connection settings fleet does not honour (ssh arguments, become,
// passwords, timeouts, host key checking; see ignoredSettings) are
// Warnings of the selection, once each where set. Those that would turn
// host key checking off, -o StrictHostKeyChecking=no,
// UserKnownHostsFile=/dev/null or ansible_host_key_checking=false, are
// marked Security: fleet always checks host keys.
//
// Variables are kept as text. INI host lines are split like a POSIX shell
// (quotes, backslashes, and '#' starts a comment). In a [g:vars] section
// the value is the rest of the line. Each INI value then goes through
// what Ansible's ast.literal_eval does to simple literals: a quoted Python
// string, 'a b' or "x", loses its quotes, and a "# comment" after a
// string, a number, True, False or None is dropped; anything else, such
// as "frontend  # note" or a list, stays exactly as written, comment
// included, as it does in Ansible. Numbers keep their spelling, so write
// ansible_port in decimal. YAML scalars are taken as written; YAML lists
// and mappings become one line of YAML flow text. Jinja2 templates
// ("{{ … }}") and !vault values are not evaluated: they stay as written,
// and refuse a selected host when they set how to reach it.
//
// # Where fleet is stricter than Ansible
//
// Every problem is reported, with file:line (and column in YAML), not
// only the first. Like Ansible, fleet refuses a [g:children] entry or a
// [g:vars] section for a group that no section defines, an unknown
// section kind such as [g:host], and a cycle of child groups. Where
// Ansible only warns, fleet refuses: a YAML group key other than hosts,
// vars and children; a key written twice in one YAML mapping; a range
// that starts after it ends (Ansible expands it to no hosts); an
// ansible_port outside 1 to 65535; a host name with whitespace; a key
// file path ~user/…. One
// pattern may expand to at most 10000 hosts, one file may hold at most
// 100000 hosts, and its patterns may expand to 300000 names in all.
//
// # Not read
//
// host_vars/ and group_vars/ directories next to the inventory, inventory
// directories, dynamic inventory scripts and plugins (a "plugin:" file is
// refused, with the ansible-inventory --list --yaml command that writes
// what the plugin makes to a file fleet reads), the JSON of ansible-inventory --list, and ansible.cfg
// settings. Variables fleet needs must be in the inventory file itself.
//
// Problems are inventory's: an inventory.Errors of *inventory.FieldError,
// read with inventory's YAML node helpers, as a fleet.yaml's are. The
// package imports the standard library, go.yaml.in/yaml/v3, and inventory
// (for those, and the shared "did you mean" rule).
package ansible
