package deploy

import (
	"testing"
	"time"
)

// The agent's idle timeout follows ssh.keepalive: four intervals, never
// under 10 s, off with keepalive.
func TestAgentIdleTimeout(t *testing.T) {
	for _, tt := range []struct{ keepalive, want time.Duration }{
		{0, 0},
		{time.Second, 10 * time.Second},
		{15 * time.Second, time.Minute},
		{time.Minute, 4 * time.Minute},
	} {
		if got := agentIdleTimeout(tt.keepalive); got != tt.want {
			t.Errorf("agentIdleTimeout(%s) = %s, want %s", tt.keepalive, got, tt.want)
		}
	}
}
