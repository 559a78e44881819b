package deploy

import (
	"context"
	"encoding/json"
	"log/slog"
	"maps"
	"slices"
)

// relayAgentLine passes one line of the agent's stderr to the
// controller's logger: the agent logs slog JSON (time, level, msg and its
// attributes), which comes out at its own level with its own attributes,
// beside the host the session's logger names and source=agent, so one
// --log-level and one --log-format govern both sides. Anything else the
// host printed (sudo, the shell) is kept at debug; an error message
// quotes it anyway (tailBuffer).
func relayAgentLine(log *slog.Logger, line string) {
	var rec map[string]any
	if json.Unmarshal([]byte(line), &rec) != nil {
		log.Debug("agent stderr", slog.String("line", line))
		return
	}
	var level slog.Level
	if s, ok := rec["level"].(string); !ok || level.UnmarshalText([]byte(s)) != nil {
		level = slog.LevelInfo
	}
	msg, _ := rec["msg"].(string)
	attrs := []slog.Attr{slog.String("source", "agent")}
	for _, k := range slices.Sorted(maps.Keys(rec)) {
		switch k {
		case "time", "level", "msg":
		default:
			attrs = append(attrs, slog.Any(k, rec[k]))
		}
	}
	log.LogAttrs(context.Background(), level, msg, attrs...)
}
