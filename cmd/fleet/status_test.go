package main

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/fleetdeploy/fleet/hostsim"
)

// TestReadOnlyCommands: status, releases and plan on a fleet that went
// v1 then v2.
func TestReadOnlyCommands(t *testing.T) {
	s := newSim(t, 3, hostsim.Options{}, "")
	s.mustRollout("v1")
	s.mustRollout("v2")

	t.Run("StatusJSON", func(t *testing.T) {
		r := s.run(t.Context(), "status")
		r.wantCode(t, exitOK)
		wantShape(t, r.stdout, []string{"host", "status"},
			[]string{"current", "previous", "last_good", "releases", "units"})
		rows := decodeRows(t, r.stdout)
		if got := hostNames(rows); !slices.Equal(got, allSims) {
			t.Fatalf("rows for %v, want %v", got, allSims)
		}
		for _, row := range rows {
			st := row.Status
			if st.Current != "v2" || st.Previous != "v1" || st.LastGood != "v2" || st.Lock != nil {
				t.Errorf("%s: %+v", row.Host, st)
			}
			if got := fmt.Sprint(st.Units); got != "[{"+hostsim.Unit+" active }]" {
				t.Errorf("%s: units %s", row.Host, got)
			}
		}
	})

	t.Run("ReleasesJSON", func(t *testing.T) {
		r := s.run(t.Context(), "releases")
		r.wantCode(t, exitOK)
		rows := decodeRows(t, r.stdout)
		if got := hostNames(rows); !slices.Equal(got, allSims) {
			t.Fatalf("rows for %v, want %v", got, allSims)
		}
		hex64 := regexp.MustCompile(`^[0-9a-f]{64}$`)
		for _, row := range rows {
			var versions []string
			for _, rel := range row.Status.Releases {
				versions = append(versions, rel.Version)
				want := int64(len("hello " + rel.Version + "\n"))
				if !hex64.MatchString(rel.SHA256) || rel.Size != want || rel.StagedAt.IsZero() ||
					!rel.HealthyEver || rel.LastResult != "healthy" {
					t.Errorf("%s: release %+v", row.Host, rel)
				}
			}
			if fmt.Sprint(versions) != "[v1 v2]" {
				t.Errorf("%s: releases %v, want [v1 v2] oldest first", row.Host, versions)
			}
		}
	})

	t.Run("PlanChangesNothing", func(t *testing.T) {
		before := s.snapshot()
		r := s.run(t.Context(), "plan", "-a", s.artifact("v3"), "--version", "v3")
		r.wantCode(t, exitOK)
		var waves []string
		for _, e := range r.kind(t, "plan_wave") {
			waves = append(waves, e.Message)
		}
		if got := strings.Join(waves, "|"); got != "sim1|sim2|sim3" {
			t.Errorf("plan waves %q, want one host per wave (maxUnavailable 1)", got)
		}
		for _, e := range r.kind(t, "plan_host") {
			if e.From != "v2" || e.To != "v3" || e.State != "update" {
				t.Errorf("plan_host %+v", e)
			}
		}
		for _, kind := range []string{"host_step", "host_state", "rollout_started"} {
			if evs := r.kind(t, kind); len(evs) != 0 {
				t.Errorf("plan emitted %s: %+v", kind, evs)
			}
		}
		s.wantUnchanged(before, s.snapshot())
	})

	t.Run("PlanRefusesBadVersion", func(t *testing.T) {
		// What rollout refuses, plan must not show as a fine plan.
		for _, cmd := range []string{"rollout", "plan"} {
			r := s.run(t.Context(), cmd, "-a", s.artifact("v3"), "--version", "../v3")
			r.wantCode(t, exitCannotStart)
		}
	})
}

// wantShape checks the JSON keys of status/releases rows: one array of
// objects with the row keys, the status object with the status keys.
func wantShape(t *testing.T, stdout string, rowKeys, statusKeys []string) {
	t.Helper()
	var rows []map[string]json.RawMessage
	if err := json.Unmarshal([]byte(stdout), &rows); err != nil {
		t.Fatalf("not a JSON array of objects: %v\n%s", err, stdout)
	}
	for _, row := range rows {
		for _, k := range rowKeys {
			if _, ok := row[k]; !ok {
				t.Errorf("row without %q: %s", k, stdout)
			}
		}
		var st map[string]json.RawMessage
		if err := json.Unmarshal(row["status"], &st); err != nil {
			t.Fatalf("status is not an object: %v", err)
		}
		for _, k := range statusKeys {
			if _, ok := st[k]; !ok {
				t.Errorf("status without %q: %s", k, row["status"])
			}
		}
	}
}

func decodeRows(t *testing.T, stdout string) []hostStatus {
	t.Helper()
	var rows []hostStatus
	if err := json.Unmarshal([]byte(stdout), &rows); err != nil {
		t.Fatalf("decode rows: %v\n%s", err, stdout)
	}
	return rows
}

func hostNames(rows []hostStatus) []string {
	var names []string
	for _, r := range rows {
		names = append(names, r.Host)
	}
	return names
}
