package main

import (
	"context"
	"fmt"
	"os"

	"github.com/fleetdeploy/fleet/agent"
)

// stage puts the artifact into releases/<version>/ on one host: the agent
// says whether it is already there; if not, the file goes by SFTP to the
// agent's incoming path and the agent verifies its checksum before
// installing it. It reports the bytes sent.
func stage(ctx context.Context, s *hostSession, a artifact, out *progress) (int64, error) {
	begin, err := s.agent.StageBegin(ctx, agent.StageBeginArgs{Version: a.version, SHA256: a.sha256, Size: a.size})
	if err != nil {
		return 0, fmt.Errorf("stage %s: %w", a.version, err)
	}
	if begin.Present {
		out.emit(event{Kind: "host_step", Host: s.host.Name, Step: "stage", To: a.version, Message: "already present"})
		return 0, nil
	}
	out.emit(event{Kind: "host_step", Host: s.host.Name, Step: "upload", To: a.version, Message: fmt.Sprintf("%d bytes", a.size)})
	f, err := os.Open(a.path)
	if err != nil {
		return 0, fmt.Errorf("stage %s: %w", a.version, err)
	}
	defer f.Close()
	n, err := s.client.Upload(ctx, begin.UploadPath, f, 0o600, nil)
	if err != nil {
		return n, fmt.Errorf("upload %s: %w", a.version, err)
	}
	if _, err := s.agent.StageCommit(ctx, agent.StageCommitArgs{Version: a.version, SHA256: a.sha256, UploadPath: begin.UploadPath}); err != nil {
		return n, fmt.Errorf("stage %s: %w", a.version, err)
	}
	out.emit(event{Kind: "host_step", Host: s.host.Name, Step: "stage", To: a.version, Message: "verified"})
	return n, nil
}
