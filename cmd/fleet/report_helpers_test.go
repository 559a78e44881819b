package main

import (
	"encoding/json"
	"encoding/xml"
	"os"
	"path/filepath"
	"testing"

	"github.com/fleetdeploy/fleet/report"
)

// junitDoc is JUnit XML as a CI server reads it.
type junitDoc struct {
	XMLName  xml.Name `xml:"testsuites"`
	Tests    int      `xml:"tests,attr"`
	Failures int      `xml:"failures,attr"`
	Errors   int      `xml:"errors,attr"`
	Skipped  int      `xml:"skipped,attr"`
	Suites   []struct {
		Name  string      `xml:"name,attr"`
		Tests int         `xml:"tests,attr"`
		Cases []junitTest `xml:"testcase"`
	} `xml:"testsuite"`
}

type junitTest struct {
	Classname string   `xml:"classname,attr"`
	Name      string   `xml:"name,attr"`
	Time      float64  `xml:"time,attr"`
	Failure   *xmlText `xml:"failure"`
	Error     *xmlText `xml:"error"`
	Skipped   *xmlText `xml:"skipped"`
}

type xmlText struct {
	Message string `xml:"message,attr"`
	Text    string `xml:",chardata"`
}

// verdict is "passed", "failure", "error" or "skipped".
func (c junitTest) verdict() string {
	switch {
	case c.Failure != nil:
		return "failure"
	case c.Error != nil:
		return "error"
	case c.Skipped != nil:
		return "skipped"
	}
	return "passed"
}

// reportFiles are the --junit and --report paths of one run.
type reportFiles struct{ junit, json string }

func newReportFiles(t *testing.T) reportFiles {
	dir := t.TempDir()
	return reportFiles{junit: filepath.Join(dir, "fleet-junit.xml"), json: filepath.Join(dir, "fleet-report.json")}
}

func (f reportFiles) flags() []string { return []string{"--junit", f.junit, "--report", f.json} }

// readJUnit parses the JUnit file and maps "classname/name" to verdicts.
func (f reportFiles) readJUnit(t *testing.T) (junitDoc, map[string]string) {
	t.Helper()
	data, err := os.ReadFile(f.junit)
	if err != nil {
		t.Fatalf("junit: %v", err)
	}
	var doc junitDoc
	if err := xml.Unmarshal(data, &doc); err != nil {
		t.Fatalf("junit is not XML: %v\n%s", err, data)
	}
	cases := map[string]string{}
	for _, s := range doc.Suites {
		for _, c := range s.Cases {
			cases[c.Classname+"/"+c.Name] = c.verdict()
		}
	}
	return doc, cases
}

func (f reportFiles) readReport(t *testing.T) report.Report {
	t.Helper()
	data, err := os.ReadFile(f.json)
	if err != nil {
		t.Fatalf("report: %v", err)
	}
	var r report.Report
	if err := json.Unmarshal(data, &r); err != nil {
		t.Fatalf("report is not JSON: %v\n%s", err, data)
	}
	return r
}

// hostResults maps host to result in a report.
func hostResults(r report.Report) map[string]string {
	m := map[string]string{}
	for _, h := range r.Hosts {
		m[h.Name] = h.Result
	}
	return m
}

// lastEvent is the run's last event, which must be rollout_done.
func (r result) lastEvent(t *testing.T) event {
	t.Helper()
	evs := r.events(t)
	if len(evs) == 0 {
		t.Fatalf("no events:\n%s", r.stderr)
	}
	last := evs[len(evs)-1]
	if last.Kind != "rollout_done" {
		t.Fatalf("last event is %s, want rollout_done:\n%s", last.Kind, r.stdout)
	}
	if n := len(r.kind(t, "rollout_done")); n != 1 {
		t.Fatalf("%d rollout_done events", n)
	}
	return last
}
