package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestMigrate_AppendsTheSchemaLine(t *testing.T) {
	file := filepath.Join(t.TempDir(), "schema")
	env := map[string]string{"FLEET_HOST": "web1", "FLEET_ROLLOUT_ID": "r-1", "HELLO_SCHEMA_FILE": file}
	now := func() time.Time { return time.Date(2026, 12, 6, 23, 0, 0, 0, time.UTC) }
	var out bytes.Buffer
	for _, args := range [][]string{{"-to", "3"}, nil} {
		if err := migrate(args, func(k string) string { return env[k] }, now, &out); err != nil {
			t.Fatal(err)
		}
	}
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	want := "schema=3 version=dev host=web1 rollout=r-1 at=2026-12-06T23:00:00Z\n" +
		"schema=dev version=dev host=web1 rollout=r-1 at=2026-12-06T23:00:00Z\n"
	if string(b) != want {
		t.Errorf("file:\n%s\nwant:\n%s", b, want)
	}
	if !strings.Contains(out.String(), "to schema 3") {
		t.Errorf("stdout %q", out.String())
	}
}

func TestMigrate_Refusals(t *testing.T) {
	none := func(string) string { return "" }
	for _, args := range [][]string{nil, {"-file", "/x", "extra"}, {"-bogus"}} {
		if err := migrate(args, none, time.Now, &bytes.Buffer{}); err == nil {
			t.Errorf("migrate(%q) = nil, want an error", args)
		}
	}
	if err := migrate([]string{"-file", filepath.Join(t.TempDir(), "no", "dir", "f")}, none, time.Now, &bytes.Buffer{}); err == nil {
		t.Error("a file in a missing directory: nil error")
	}
}
