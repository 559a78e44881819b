package deploy

import (
	"context"
	"errors"
	"fmt"

	"github.com/fleetdeploy/fleet/agent"
)

// fetch has the host download the release from its URL and install it
// (the agent's fetch op: the same checks as an upload's, sha256 before
// anything lands). Hosts fetch during staging whatever strategy.stage
// says: the controller's bandwidth, which stage: ahead spreads over the
// rollout, is not used. The agent's retries and resumes become host_step
// fetch events.
func fetch(ctx context.Context, s *hostSession, a Artifact, out *emitter) error {
	step := func(name, msg string) {
		out.emit(Event{Kind: KindHostStep, Host: s.host.Name, Step: name, From: s.current, To: a.Version, Message: msg})
	}
	step("fetch", "from "+a.ShownURL())
	r, err := s.agent.Fetch(ctx, agent.FetchArgs{Version: a.Version, SHA256: a.SHA256, URL: a.URL, Format: string(a.Format),
		AllowHTTP: a.AllowHTTP, Provenance: a.provenanceOf()}, func(e agent.Event) { step("fetch", e.Message) })
	if errors.Is(err, agent.CodeVersionConflict) {
		return fmt.Errorf("%w (a version names one artifact for good: give this build another version)", err)
	}
	if err != nil {
		return err // the agent's message names the version and the redacted URL
	}
	if r.Present {
		step("stage", "already present")
		return nil
	}
	step("stage", fmt.Sprintf("verified, %d bytes fetched in %d attempts", r.Bytes, r.Attempts))
	return nil
}
