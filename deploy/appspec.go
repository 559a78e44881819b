package deploy

import (
	"errors"
	"fmt"
	"os"

	"github.com/fleetdeploy/fleet/appspec"
	"github.com/fleetdeploy/fleet/inventory"
)

// appSpec is the app spec the agent gets in hello: the inventory's, with
// the Consul token named by token_env read here, on the controller. The
// token travels to the agent inside the SSH session only. The spec shares
// the inventory's slices and maps; neither is changed once loaded.
//
// inventory applied package appspec's rules field by field when it
// loaded; the spec is validated once more here, before any connection, so
// a rule the two ever disagree on stops the command instead of a host.
func appSpec(a inventory.App) (appspec.Spec, error) {
	spec := a.Spec
	if c := spec.Consul; c != nil && c.TokenEnv != "" {
		tok, err := consulToken(c.TokenEnv)
		if err != nil {
			return spec, err
		}
		withToken := *c // the inventory's copy never holds the token
		withToken.Token = tok
		spec.Consul = &withToken
	}
	if err := errors.Join(spec.Validate(), spec.Gate()); err != nil {
		return spec, fmt.Errorf("app spec: %w", err)
	}
	return spec, nil
}

// consulToken reads the Consul token from the controller's environment
// variable env (app.consul.token_env). Its errors never show the token.
func consulToken(env string) (string, error) {
	tok, ok := os.LookupEnv(env)
	if !ok || tok == "" {
		return "", fmt.Errorf("app.consul.token_env: environment variable %s is not set", env)
	}
	if err := appspec.Token(tok); err != nil {
		return "", fmt.Errorf("app.consul.token_env: the token in %s %w", env, err)
	}
	return tok, nil
}
