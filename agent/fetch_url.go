package agent

import (
	"errors"
	"fmt"
	"net/url"
)

// ErrInsecureURL refuses an http:// artifact URL without the explicit
// allowance (--allow-http): the checksum still protects the bytes, but
// not whatever the URL's query or the request's headers give away.
var ErrInsecureURL = errors.New("insecure artifact URL")

// RedactURL is raw as it may be shown and logged: without userinfo, with
// the query (a presigned S3 URL's signature lives there) shown as "?…"
// and without a fragment. Nothing else of the URL is secret. A URL that
// does not parse is not shown at all.
func RedactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(an unparsable URL)"
	}
	u.User = nil
	u.Fragment, u.RawFragment = "", ""
	query := ""
	if u.RawQuery != "" || u.ForceQuery {
		query = "?…"
	}
	u.RawQuery, u.ForceQuery = "", false
	return u.String() + query
}

// ValidateFetchURL checks an artifact URL as the agent will before it
// fetches: https, or http with allowHTTP; a host; nothing but a URL.
// Errors name the URL redacted.
func ValidateFetchURL(raw string, allowHTTP bool) error {
	u, err := url.Parse(raw)
	if err != nil || !u.IsAbs() || u.Host == "" || u.Opaque != "" {
		return fmt.Errorf("artifact URL %s: want https://host/path", RedactURL(raw))
	}
	switch u.Scheme {
	case "https":
		return nil
	case "http":
		if allowHTTP {
			return nil
		}
		return fmt.Errorf("%w: %s is plain http: use https, or allow it with --allow-http (FLEET_ALLOW_HTTP)", ErrInsecureURL, RedactURL(raw))
	}
	return fmt.Errorf("artifact URL %s: scheme %q: want https (or http with --allow-http)", RedactURL(raw), u.Scheme)
}
