package agent

import "context"

// Hello opens the session; it must be the first call. Protocol 0 is filled
// in with ProtocolVersion. With an IdleTimeout, heartbeats start with it
// and run until Close.
func (c *Client) Hello(ctx context.Context, a HelloArgs) (HelloResult, error) {
	if a.Protocol == 0 {
		a.Protocol = ProtocolVersion
	}
	if t := a.IdleTimeout.Std(); t > 0 {
		c.heartbeatOnce.Do(func() { go c.heartbeat(t / 4) })
	}
	var r HelloResult
	err := c.call(ctx, OpHello, a, &r, nil)
	return r, err
}

// Lock takes the host lock for the rest of the session. If another
// session holds it, the error is an *Error with Code lock_held and Holder.
func (c *Client) Lock(ctx context.Context) (LockResult, error) {
	var r LockResult
	err := c.call(ctx, OpLock, noArgs{}, &r, nil)
	return r, err
}

// Status reads the host's deployment state.
func (c *Client) Status(ctx context.Context) (StatusResult, error) {
	var r StatusResult
	err := c.call(ctx, OpStatus, StatusArgs{}, &r, nil)
	return r, err
}

// Probe reads the host's state and runs one round of its health checks.
func (c *Client) Probe(ctx context.Context) (StatusResult, error) {
	var r StatusResult
	err := c.call(ctx, OpStatus, StatusArgs{Probe: true}, &r, nil)
	return r, err
}

// StageBegin announces an artifact; upload to UploadPath unless Present.
func (c *Client) StageBegin(ctx context.Context, a StageBeginArgs) (StageBeginResult, error) {
	var r StageBeginResult
	err := c.call(ctx, OpStageBegin, a, &r, nil)
	return r, err
}

// StageCommit verifies and installs an uploaded artifact.
func (c *Client) StageCommit(ctx context.Context, a StageCommitArgs) (StageCommitResult, error) {
	var r StageCommitResult
	err := c.call(ctx, OpStageCommit, a, &r, nil)
	return r, err
}

// Fetch has the host download and install an artifact; onEvent (may be
// nil) gets its retries and resumes.
func (c *Client) Fetch(ctx context.Context, a FetchArgs, onEvent func(Event)) (FetchResult, error) {
	var r FetchResult
	err := c.call(ctx, OpFetch, a, &r, onEvent)
	return r, err
}

// ServeRelease has the host serve an installed release to its peers
// until the session ends.
func (c *Client) ServeRelease(ctx context.Context, a ServeReleaseArgs) (ServeReleaseResult, error) {
	var r ServeReleaseResult
	err := c.call(ctx, OpServeRelease, a, &r, nil)
	return r, err
}

// Hook runs one of the spec's hooks on the host.
func (c *Client) Hook(ctx context.Context, a HookArgs) (HookResult, error) {
	var r HookResult
	err := c.call(ctx, OpHook, a, &r, nil)
	return r, err
}

// Switch points current at an installed release.
func (c *Client) Switch(ctx context.Context, a SwitchArgs) (SwitchResult, error) {
	var r SwitchResult
	err := c.call(ctx, OpSwitch, a, &r, nil)
	return r, err
}

// Restart restarts the app's units and waits for systemd's job results.
// A failure is an *Error with code unit_failed or start_limit_hit and the
// unit's last journal lines.
func (c *Client) Restart(ctx context.Context, a RestartArgs) (RestartResult, error) {
	var r RestartResult
	err := c.call(ctx, OpRestart, a, &r, nil)
	return r, err
}

// Health runs the health gate on current; onEvent (may be nil) sees every
// probe round.
func (c *Client) Health(ctx context.Context, a HealthArgs, onEvent func(Event)) (HealthResult, error) {
	var r HealthResult
	err := c.call(ctx, OpHealth, a, &r, onEvent)
	return r, err
}

// Prune removes old releases.
func (c *Client) Prune(ctx context.Context, a PruneArgs) (PruneResult, error) {
	var r PruneResult
	err := c.call(ctx, OpPrune, a, &r, nil)
	return r, err
}

// Journal reads the host journal.
func (c *Client) Journal(ctx context.Context, a JournalArgs) (JournalResult, error) {
	var r JournalResult
	err := c.call(ctx, OpJournal, a, &r, nil)
	return r, err
}
