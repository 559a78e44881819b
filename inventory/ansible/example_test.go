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
