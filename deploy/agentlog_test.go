package deploy

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"testing"
)

// The agent's JSON lines come out at their own level with their own
// attributes and the session's host; the controller's level filters
// them; other lines stay at debug.
func TestRelayAgentLine(t *testing.T) {
	var b bytes.Buffer
	log := slog.New(slog.NewJSONHandler(&b, &slog.HandlerOptions{Level: slog.LevelInfo})).With(slog.String("host", "web1"))
	relayAgentLine(log, `{"time":"2026-12-06T10:00:00Z","level":"INFO","msg":"switched","version":"v2","slot":""}`)
	relayAgentLine(log, `{"time":"2026-12-06T10:00:00Z","level":"DEBUG","msg":"noise"}`)
	relayAgentLine(log, `sudo: a password is required`)
	relayAgentLine(log, `{"level":"WARN","msg":"journal append","err":"disk full"}`)
	var got []map[string]any
	for _, line := range bytes.Split(bytes.TrimSpace(b.Bytes()), []byte("\n")) {
		var m map[string]any
		if err := json.Unmarshal(line, &m); err != nil {
			t.Fatalf("not JSON: %s", line)
		}
		got = append(got, m)
	}
	if len(got) != 2 {
		t.Fatalf("%d lines, want the info and the warn ones: %v", len(got), got)
	}
	if got[0]["msg"] != "switched" || got[0]["level"] != "INFO" || got[0]["host"] != "web1" || got[0]["source"] != "agent" || got[0]["version"] != "v2" {
		t.Errorf("first line %v", got[0])
	}
	if got[1]["msg"] != "journal append" || got[1]["level"] != "WARN" || got[1]["err"] != "disk full" {
		t.Errorf("second line %v", got[1])
	}
}
