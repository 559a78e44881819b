package transport_test

import (
	"context"
	"errors"
	"log"
	"os"
	"time"

	"github.com/fleetdeploy/fleet/transport"
)

// Dial a host as OpenSSH would (agent, ~/.ssh/known_hosts in strict mode,
// ~/.ssh/config) and run a command on it.
func ExampleDial() {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()

	cfg := transport.DefaultConfig()
	cfg.User = "deploy"
	c, err := transport.Dial(ctx, "web1.example.com", cfg)
	if errors.Is(err, transport.ErrHostKeyUnknown) {
		log.Fatalf("%v\nadd the host with: ssh-keyscan web1.example.com >> ~/.ssh/known_hosts (after checking its fingerprint)", err)
	}
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()

	err = c.Run(ctx, "systemctl is-active "+transport.Quote("hello.service"), nil, os.Stdout, os.Stderr)
	var exit *transport.ExitError
	if errors.As(err, &exit) {
		log.Printf("hello.service is not active (exit %d)", exit.Code)
	} else if err != nil {
		log.Fatal(err)
	}
}
