package deploy_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/fleetdeploy/fleet/deploy"
	"github.com/fleetdeploy/fleet/hostsim"
)

// A recorded agent binary whose start by fingerprint fails — here because
// the simulated host's shell does not take the command, as a real one
// refuses a changed binary with exit 97 — is forgotten, and the session
// takes the long way (uname, sha256 check, start): the command succeeds,
// and the record no longer vouches for that host.
func TestStatus_RecordedAgentThatFailsIsForgotten(t *testing.T) {
	f := hostsim.New(t, 1, hostsim.Options{})
	o := simOptions(t, f, "", &events{})
	data, err := os.ReadFile(o.AgentBinary)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(data)
	h := o.Hosts[0]
	key := fmt.Sprintf("%s@%s:%d", h.SSH.User, h.Address, h.SSH.Port)
	o.AgentCache = filepath.Join(t.TempDir(), "agents.json")
	record := map[string]any{key: map[string]any{"machine": "x86_64", "path": ".fleet/bin/fleet-" + hex.EncodeToString(sum[:]),
		"stat": "2049 7 41 1796607755.098280423 1796607755.098280423", "verified": time.Now().UTC()}}
	js, _ := json.Marshal(record)
	if err := os.WriteFile(o.AgentCache, js, 0o600); err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	o.Logger = slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))

	if _, err := deploy.Status(t.Context(), o); err != nil {
		t.Fatalf("status: %v\n%s", err, logs.String())
	}
	for _, want := range []string{"phase=agent_check took=", "by=fingerprint", "agent start by its recorded fingerprint failed", "by=upload"} {
		if !strings.Contains(logs.String(), want) {
			t.Errorf("logs lack %q:\n%s", want, logs.String())
		}
	}
	js, err = os.ReadFile(o.AgentCache)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(js), key) {
		t.Errorf("the record still vouches for %s:\n%s", key, js)
	}
}
