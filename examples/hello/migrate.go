package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"
)

// migrate is `hello migrate`, the example of a migration a fleet
// `before` hook runs once per rollout with the new release staged: it
// appends one line to a schema file (-file, else HELLO_SCHEMA_FILE; a
// file in the app's shared directory suits) naming the schema it
// migrated to (-to, default this build's version), the release, and
// fleet's FLEET_HOST and FLEET_ROLLOUT_ID, so a test can count the runs.
func migrate(args []string, getenv func(string) string, now func() time.Time, stdout io.Writer) error {
	fs := flag.NewFlagSet("migrate", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	file := fs.String("file", getenv("HELLO_SCHEMA_FILE"), "the schema file")
	to := fs.String("to", version, "the schema version to migrate to")
	if err := fs.Parse(args); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("migrate: unexpected argument %q", fs.Arg(0))
	}
	if *file == "" {
		return errors.New("migrate: no schema file: pass -file or set HELLO_SCHEMA_FILE")
	}
	line := fmt.Sprintf("schema=%s version=%s host=%s rollout=%s at=%s\n", *to, version,
		getenv("FLEET_HOST"), getenv("FLEET_ROLLOUT_ID"), now().UTC().Format(time.RFC3339Nano))
	f, err := os.OpenFile(*file, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	_, err = f.WriteString(line)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	_, _ = fmt.Fprintf(stdout, "migrated %s to schema %s\n", *file, *to)
	return nil
}
