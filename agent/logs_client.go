package agent

import "context"

// Logs streams the app units' journal: onEntry gets every entry as it
// arrives. Without Follow it returns once the host's backlog has been
// sent; with Follow, only when ctx ends (the client is then broken: close
// the session, which ends journalctl on the host).
func (c *Client) Logs(ctx context.Context, a LogsArgs, onEntry func(LogEntry)) (LogsResult, error) {
	var r LogsResult
	err := c.call(ctx, OpLogs, a, &r, func(ev Event) {
		if ev.Kind == EventLog && ev.Log != nil {
			onEntry(*ev.Log)
		}
	})
	return r, err
}
