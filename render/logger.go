package render

import (
	"fmt"
	"io"
	"log/slog"
)

// NewLogger is the controller's logger on w: level (--log-level) and
// format (--log-format): text (logfmt-like, for people) or json (one
// object per line, for ELK or Loki; docs/logs.md names the fields).
func NewLogger(w io.Writer, level, format string) (*slog.Logger, error) {
	var l slog.Level
	if err := l.UnmarshalText([]byte(level)); err != nil {
		return nil, fmt.Errorf("--log-level %q: %w", level, err)
	}
	o := &slog.HandlerOptions{Level: l}
	switch format {
	case "text", "":
		return slog.New(slog.NewTextHandler(w, o)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, o)), nil
	}
	return nil, fmt.Errorf("--log-format %q: want text or json", format)
}
