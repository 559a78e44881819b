package deploy

import (
	"context"
	"errors"
	"fmt"

	"github.com/fleetdeploy/fleet/agent"
)

// stage puts the artifact into releases/<version>/ on one host: the agent
// says whether it is already there; if not, the file goes by SFTP to the
// agent's incoming path and the agent verifies its checksum before
// installing it. It reports the bytes sent.
func stage(ctx context.Context, s *hostSession, a Artifact, out *emitter) (int64, error) {
	if a.URL != "" {
		return 0, fetch(ctx, s, a, out)
	}
	begin, err := beginStage(ctx, s, a, out)
	if err != nil || begin.Present {
		return 0, err
	}
	return upload(ctx, s, a, begin, out)
}

// beginStage asks the agent whether the release is there and, if not,
// for an upload path; the agent checks the version, the checksum and the
// free space before it hands one out.
func beginStage(ctx context.Context, s *hostSession, a Artifact, out *emitter) (agent.StageBeginResult, error) {
	begin, err := s.agent.StageBegin(ctx, agent.StageBeginArgs{Version: a.Version, SHA256: a.SHA256, Size: a.Size, Format: string(a.Format)})
	if errors.Is(err, agent.CodeVersionConflict) {
		// The agent's message names both checksums; say what to do.
		return begin, fmt.Errorf("%w (a version names one artifact for good: give this build another version)", err)
	}
	if err != nil {
		return begin, err // the agent's message names the version
	}
	if begin.Present {
		out.emit(Event{Kind: KindHostStep, Host: s.host.Name, Step: "stage", From: s.current, To: a.Version, Message: "already present"})
	}
	return begin, nil
}

// upload sends the artifact to the path beginStage got and has the agent
// verify and install it.
func upload(ctx context.Context, s *hostSession, a Artifact, begin agent.StageBeginResult, out *emitter) (int64, error) {
	out.emit(Event{Kind: KindHostStep, Host: s.host.Name, Step: "upload", From: s.current, To: a.Version, Total: a.Size, Message: fmt.Sprintf("%d bytes", a.Size)})
	f, err := a.open()
	if err != nil {
		return 0, fmt.Errorf("artifact: %w", err)
	}
	defer f.Close()
	n, err := s.client.Upload(ctx, begin.UploadPath, f, 0o600, uploadTicker(out, s.host.Name, s.current, a))
	if err != nil {
		return n, fmt.Errorf("upload %s: %w", a.Version, err)
	}
	if _, err := s.agent.StageCommit(ctx, agent.StageCommitArgs{Version: a.Version, SHA256: a.SHA256, UploadPath: begin.UploadPath,
		Provenance: a.provenanceOf()}); err != nil {
		return n, err // the agent's message names the version
	}
	out.emit(Event{Kind: KindHostStep, Host: s.host.Name, Step: "stage", From: s.current, To: a.Version, Message: "verified"})
	return n, nil
}

// uploadTicker reports an upload's progress as upload_progress events:
// every Options.UploadProgressEvery (200 ms for a live terminal, every
// second otherwise).
func uploadTicker(out *emitter, host, from string, a Artifact) func(int64) {
	every := out.every
	start := out.now()
	last := start
	return func(written int64) {
		now := out.now()
		if now.Sub(last) < every || written >= a.Size {
			return
		}
		last = now
		ev := Event{Kind: KindUploadProgress, Host: host, From: from, To: a.Version, Bytes: written, Total: a.Size}
		if secs := now.Sub(start).Seconds(); secs > 0 {
			ev.Rate = int64(float64(written) / secs)
		}
		out.emit(ev)
	}
}
