package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/fleetdeploy/fleet/agent"
)

// stage puts the artifact into releases/<version>/ on one host: the agent
// says whether it is already there; if not, the file goes by SFTP to the
// agent's incoming path and the agent verifies its checksum before
// installing it. It reports the bytes sent.
func stage(ctx context.Context, s *hostSession, a artifact, out *progress) (int64, error) {
	begin, err := beginStage(ctx, s, a, out)
	if err != nil || begin.Present {
		return 0, err
	}
	return upload(ctx, s, a, begin, out)
}

// beginStage asks the agent whether the release is there and, if not,
// for an upload path; the agent checks the version, the checksum and the
// free space before it hands one out.
func beginStage(ctx context.Context, s *hostSession, a artifact, out *progress) (agent.StageBeginResult, error) {
	begin, err := s.agent.StageBegin(ctx, agent.StageBeginArgs{Version: a.version, SHA256: a.sha256, Size: a.size})
	if errors.Is(err, agent.CodeVersionConflict) {
		// The agent's message names both checksums; say what to do.
		return begin, fmt.Errorf("%w (a version names one artifact for good: give this build another version)", err)
	}
	if err != nil {
		return begin, err // the agent's message names the version
	}
	if begin.Present {
		out.emit(event{Kind: "host_step", Host: s.host.Name, Step: "stage", From: s.current, To: a.version, Message: "already present"})
	}
	return begin, nil
}

// upload sends the artifact to the path beginStage got and has the agent
// verify and install it.
func upload(ctx context.Context, s *hostSession, a artifact, begin agent.StageBeginResult, out *progress) (int64, error) {
	out.emit(event{Kind: "host_step", Host: s.host.Name, Step: "upload", From: s.current, To: a.version, Total: a.size, Message: fmt.Sprintf("%d bytes", a.size)})
	f, err := os.Open(a.path)
	if err != nil {
		return 0, fmt.Errorf("artifact: %w", err)
	}
	defer f.Close()
	n, err := s.client.Upload(ctx, begin.UploadPath, f, 0o600, uploadTicker(out, s.host.Name, s.current, a))
	if err != nil {
		return n, fmt.Errorf("upload %s: %w", a.version, err)
	}
	if _, err := s.agent.StageCommit(ctx, agent.StageCommitArgs{Version: a.version, SHA256: a.sha256, UploadPath: begin.UploadPath}); err != nil {
		return n, err // the agent's message names the version
	}
	out.emit(event{Kind: "host_step", Host: s.host.Name, Step: "stage", From: s.current, To: a.version, Message: "verified"})
	return n, nil
}

// uploadTicker reports an upload's progress as upload_progress events:
// every 200 ms for a live terminal, every second otherwise.
func uploadTicker(out *progress, host, from string, a artifact) func(int64) {
	every := time.Second
	if out.live {
		every = 200 * time.Millisecond
	}
	start := out.now()
	last := start
	return func(written int64) {
		now := out.now()
		if now.Sub(last) < every || written >= a.size {
			return
		}
		last = now
		ev := event{Kind: "upload_progress", Host: host, From: from, To: a.version, Bytes: written, Total: a.size}
		if secs := now.Sub(start).Seconds(); secs > 0 {
			ev.Rate = int64(float64(written) / secs)
		}
		out.emit(ev)
	}
}
