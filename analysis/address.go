package analysis

import (
	"errors"
	"fmt"
	"net/url"
)

// ValidAddress accepts Prometheus's base URL as fleet takes it:
// http(s)://host[:port][/path], with no credentials (they would end up
// in errors and logs; a token goes in an environment variable) and no
// query or fragment. Shared by the inventory and analysis/prometheus.
func ValidAddress(s string) error {
	u, err := url.Parse(s)
	if err != nil {
		return fmt.Errorf("must be a URL such as http://prometheus:9090: %w", err)
	}
	switch {
	case u.Scheme != "http" && u.Scheme != "https":
		return fmt.Errorf("must start with http:// or https://, got %q", s)
	case u.Host == "":
		return fmt.Errorf("has no host: %q", s)
	case u.User != nil:
		return errors.New("must not hold credentials; put a token in the variable bearer_token_env names")
	case u.RawQuery != "" || u.Fragment != "":
		return fmt.Errorf("must not have a query or fragment: %q", s)
	}
	return nil
}
