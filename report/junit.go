package report

import (
	"encoding/xml"
	"fmt"
	"io"
	"strings"
)

// The JUnit XML shape Jenkins' junit step (and Ant, Surefire, GitLab)
// reads: testsuites > testsuite > testcase with at most one of failure,
// error or skipped.
type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Skipped  int          `xml:"skipped,attr"`
	Time     string       `xml:"time,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name       string          `xml:"name,attr"`
	Tests      int             `xml:"tests,attr"`
	Failures   int             `xml:"failures,attr"`
	Errors     int             `xml:"errors,attr"`
	Skipped    int             `xml:"skipped,attr"`
	Time       string          `xml:"time,attr"`
	Timestamp  string          `xml:"timestamp,attr,omitempty"`
	Hostname   string          `xml:"hostname,attr,omitempty"`
	Properties []junitProperty `xml:"properties>property,omitempty"`
	Cases      []junitCase     `xml:"testcase"`
}

type junitProperty struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

type junitCase struct {
	Classname string        `xml:"classname,attr"`
	Name      string        `xml:"name,attr"`
	Time      string        `xml:"time,attr"`
	Failure   *junitProblem `xml:"failure,omitempty"`
	Error     *junitProblem `xml:"error,omitempty"`
	Skipped   *junitSkipped `xml:"skipped,omitempty"`
	SystemOut string        `xml:"system-out,omitempty"`
}

type junitProblem struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",chardata"`
}

type junitSkipped struct {
	Message string `xml:"message,attr,omitempty"`
}

// WriteJUnit writes r as JUnit XML: one suite with a test case per host
// (classname fleet.<command>.hosts) and one per wave gate and the canary
// bake (fleet.<command>.waves). A host whose own step failed is a
// failure; one whose rollback failed, an error (it needs a person); one
// not changed (already on the version, not started, or rolled back
// because another host failed) is skipped, with the reason. A wave fails
// when any of its hosts failed, and is skipped when none of them started.
// The changelog is one case per revision the changing hosts ran
// (fleet.<command>.changelog), its commits as the case's output. A run
// refused before it changed anything has a failing case "start", so a CI
// job that publishes the file shows why.
func (r Report) WriteJUnit(w io.Writer) error {
	s := junitSuite{
		Name:     "fleet " + r.Command + " " + r.RolloutID,
		Time:     seconds(r.Duration),
		Hostname: r.Machine,
		Properties: []junitProperty{
			{"command", r.Command}, {"rollout_id", r.RolloutID}, {"version", r.Version},
			{"result", r.Result}, {"exit_code", fmt.Sprint(r.ExitCode)}, {"user", r.User},
		},
	}
	for _, p := range []junitProperty{{"change_note", r.ChangeNote}, {"revision", r.Revision}, {"build", r.Build}} {
		if p.Value != "" {
			s.Properties = append(s.Properties, p)
		}
	}
	if r.Dirty {
		s.Properties = append(s.Properties, junitProperty{"dirty", "true"})
	}
	if !r.Started.IsZero() {
		s.Timestamp = r.Started.UTC().Format("2006-01-02T15:04:05")
	}
	prefix := "fleet." + r.Command
	for _, h := range r.Hosts {
		s.Cases = append(s.Cases, hostCase(prefix+".hosts", h))
	}
	for _, wv := range r.Waves {
		s.Cases = append(s.Cases, waveCase(prefix+".waves", wv))
	}
	if r.Bake != nil {
		s.Cases = append(s.Cases, bakeCase(prefix+".waves", *r.Bake))
	}
	for _, a := range r.Analyses {
		s.Cases = append(s.Cases, bakeCase(prefix+".analyses", a))
	}
	for _, ch := range r.Changelog {
		s.Cases = append(s.Cases, changeCase(prefix+".changelog", ch))
	}
	if r.Result == NotStarted {
		s.Cases = append(s.Cases, junitCase{Classname: prefix, Name: "start", Time: "0",
			Failure: &junitProblem{Message: firstLine(r.Error), Type: NotStarted, Text: r.Error}})
	}
	s.count()
	doc := junitSuites{Name: s.Name, Tests: s.Tests, Failures: s.Failures, Errors: s.Errors,
		Skipped: s.Skipped, Time: s.Time, Suites: []junitSuite{s}}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return fmt.Errorf("write junit: %w", err)
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return fmt.Errorf("write junit: %w", err)
	}
	if _, err := io.WriteString(w, "\n"); err != nil {
		return fmt.Errorf("write junit: %w", err)
	}
	return nil
}

func hostCase(class string, h Host) junitCase {
	c := junitCase{Classname: class, Name: h.Name, Time: seconds(h.Duration),
		SystemOut: fmt.Sprintf("%s -> %s, %s, wave %d: %s", orNone(h.From), orNone(h.To), orDash(h.Mode), h.Wave, h.State)}
	switch h.Result {
	case HostFailed:
		c.Failure = &junitProblem{Message: firstLine(h.Error), Type: h.State, Text: h.Error}
	case HostStranded:
		c.Error = &junitProblem{Message: firstLine(h.Error), Type: h.State, Text: h.Error}
	case HostUnchanged:
		c.Skipped = &junitSkipped{Message: "already on " + orNone(h.To)}
	case HostNotStarted:
		c.Skipped = &junitSkipped{Message: "not started: the run stopped before this host"}
	case HostRolledBack:
		c.Skipped = &junitSkipped{Message: "rolled back to " + orNone(h.From) + " after the run failed elsewhere"}
	case HostUnfinished:
		c.Error = &junitProblem{Message: "interrupted in state " + h.State, Type: h.State, Text: h.Error}
	}
	return c
}

func waveCase(class string, wv Wave) junitCase {
	name := fmt.Sprintf("wave %d gate", wv.Number)
	if wv.Canary {
		name = fmt.Sprintf("wave %d gate (canary)", wv.Number)
	}
	c := junitCase{Classname: class, Name: name, Time: seconds(wv.Duration), SystemOut: strings.Join(wv.Hosts, " ")}
	switch wv.Result {
	case WaveFailed:
		msg := "failed: " + strings.Join(wv.Failed, " ")
		c.Failure = &junitProblem{Message: msg, Type: WaveFailed, Text: msg}
	case WaveNotRun:
		c.Skipped = &junitSkipped{Message: "no host of this wave started"}
	}
	return c
}

func bakeCase(class string, g Gate) junitCase {
	c := junitCase{Classname: class, Name: g.Name, Time: seconds(g.Duration)}
	if g.Result == GateInconclusive {
		c.Skipped = &junitSkipped{Message: "inconclusive: " + firstLine(g.Error)}
		return c
	}
	if g.Result != WavePassed {
		c.Failure = &junitProblem{Message: firstLine(g.Error), Type: g.Result, Text: g.Error}
	}
	return c
}

func (s *junitSuite) count() {
	s.Tests = len(s.Cases)
	for _, c := range s.Cases {
		switch {
		case c.Failure != nil:
			s.Failures++
		case c.Error != nil:
			s.Errors++
		case c.Skipped != nil:
			s.Skipped++
		}
	}
}

func seconds(m Millis) string { return fmt.Sprintf("%.3f", m.Seconds()) }

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}

func orNone(v string) string {
	if v == "" {
		return "(none)"
	}
	return v
}

func orDash(v string) string {
	if v == "" {
		return "-"
	}
	return v
}
