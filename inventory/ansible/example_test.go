package ansible_test

import (
	"fmt"

	"github.com/fleetdeploy/fleet/inventory/ansible"
)

func ExampleParse() {
	hosts, err := ansible.Parse("hosts", []byte(`
[web]
web[1:2].example.com
web3.example.com:2222 ansible_host=10.0.0.3 zone=b

[web:vars]
ansible_user=deploy
zone=a
`))
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, h := range hosts {
		fmt.Println(h.Name, h.Address, h.User, h.Port, h.Groups, h.Labels())
	}
	// Output:
	// web1.example.com web1.example.com deploy 0 [all web] map[zone:a]
	// web2.example.com web2.example.com deploy 0 [all web] map[zone:a]
	// web3.example.com 10.0.0.3 deploy 2222 [all web] map[zone:b]
}

// Read, then Select with Ansible's patterns: the caller prints the
// warnings once, and turns the hosts into inventory hosts.
func ExampleInventory_Select() {
	inv, err := ansible.Read("hosts", []byte(`
localhost ansible_connection=local

[web]
web1 ansible_host=10.0.0.1
web2 ansible_host=10.0.0.2 ansible_ssh_private_key_file=/keys/web2
web3 ansible_host="{{ lookup('env', 'WEB3') }}"

[web:vars]
ansible_become=true
`))
	if err != nil {
		fmt.Println(err)
		return
	}
	sel, err := inv.Select("web:!web3:localhost", ansible.Options{SkipNonSSH: true})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, w := range sel.Warnings {
		fmt.Println("warning:", w)
	}
	for _, h := range sel.Hosts {
		fmt.Println(h.Name, h.Address, h.IdentityFiles)
	}
	_, err = inv.Select("web", ansible.Options{})
	fmt.Println(err)
	// Output:
	// warning: hosts:2: ansible_connection (host localhost): connection "local" is not SSH: host left out
	// warning: hosts:10: ansible_become: not read: fleet runs its agent as root through sudo when the --app file's ssh.sudo is true (passwordless), and never otherwise
	// web1 10.0.0.1 []
	// web2 10.0.0.2 [/keys/web2]
	// hosts:7: ansible_host (host web3): Jinja2 is not evaluated: set a literal address, got "{{ lookup('env', 'WEB3') }}"
}
