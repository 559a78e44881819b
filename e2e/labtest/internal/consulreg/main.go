// Command consulreg is a helper the lab e2e test uploads to a lab host and
// runs over SSH. It registers or deregisters a service with the host's local
// Consul agent (http://127.0.0.1:8500) through github.com/hashicorp/consul/api:
//
//	consulreg register -id ID -name NAME -port PORT [-address IP] [-check-http URL] [-meta k=v,...] [-weight N]
//	consulreg deregister -id ID
//
// -weight sets the service's Weights.Passing (Warning stays 1), which Consul
// DNS puts into SRV answers; without it, Weights are left out (Consul's
// default, 1). Consul refuses 0.
// Registering again with the same -id updates the instance in place, its
// check keeping its status.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/hashicorp/consul/api"
)

func main() {
	if len(os.Args) < 2 {
		usage()
	}
	if err := run(os.Args[1], os.Args[2:]); err != nil {
		fmt.Fprintln(os.Stderr, "consulreg:", err)
		os.Exit(1)
	}
}

func run(op string, args []string) error {
	fs := flag.NewFlagSet(op, flag.ExitOnError)
	id := fs.String("id", "", "service instance id")
	name := fs.String("name", "", "service name")
	port := fs.Int("port", 0, "service port")
	check := fs.String("check-http", "", "HTTP health check URL (interval 1s)")
	meta := fs.String("meta", "", "service meta, k=v,k=v")
	weight := fs.Int("weight", -1, "Weights.Passing (default: none, Consul's 1)")
	address := fs.String("address", "", "the service's own address (default: none, the node's)")
	timeout := fs.Duration("timeout", 15*time.Second, "give up after this long")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *id == "" {
		return errors.New("-id is required")
	}
	ctx, cancel := context.WithTimeout(context.Background(), *timeout)
	defer cancel()

	client, err := api.NewClient(api.DefaultConfig())
	if err != nil {
		return fmt.Errorf("consul client: %w", err)
	}
	switch op {
	case "register":
		reg := &api.AgentServiceRegistration{ID: *id, Name: *name, Port: *port, Address: *address, Meta: parseMeta(*meta)}
		if *weight >= 0 {
			reg.Weights = &api.AgentWeights{Passing: *weight, Warning: 1}
		}
		if *check != "" {
			reg.Check = &api.AgentServiceCheck{
				HTTP: *check, Interval: "1s", Timeout: "1s",
				DeregisterCriticalServiceAfter: "5m",
			}
		}
		opts := api.ServiceRegisterOpts{ReplaceExistingChecks: true}.WithContext(ctx)
		if err := client.Agent().ServiceRegisterOpts(reg, opts); err != nil {
			return fmt.Errorf("register %s: %w", *id, err)
		}
	case "deregister":
		q := (&api.QueryOptions{}).WithContext(ctx)
		if err := client.Agent().ServiceDeregisterOpts(*id, q); err != nil {
			return fmt.Errorf("deregister %s: %w", *id, err)
		}
	default:
		usage()
	}
	return nil
}

func parseMeta(s string) map[string]string {
	if s == "" {
		return nil
	}
	m := map[string]string{}
	for _, kv := range strings.Split(s, ",") {
		k, v, _ := strings.Cut(kv, "=")
		m[k] = v
	}
	return m
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: consulreg register -id ID -name NAME -port PORT [-address IP] [-check-http URL] [-meta k=v,...] [-weight N]\n       consulreg deregister -id ID")
	os.Exit(2)
}
