//go:build e2e

package e2e

import (
	"bufio"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Issue 16's "done when": a rollout with -m of a hello built from a git
// checkout with two new commits shows the commits with their authors in
// plan, the note and revision in history, the revision in status -o json,
// both in the report, JUnit, the hosts' journals and Consul meta (read
// from Consul's HTTP API); a dirty build is marked everywhere, and refused
// under strategy.refuse_dirty with nothing changed; --log-format json
// writes only JSON to stderr.
func TestRecords_NoteProvenanceChangelog(t *testing.T) {
	l := theLab
	start := time.Now()
	l.resetConsulHosts(t)
	g := newHelloRepo(t, l.repo)
	v1, revA := g.build(t, "v1.0.0"), g.head(t)
	g.commit(t, "Ada Lovelace", "greeting.txt", "hello, world\n", "say hello to the world")
	g.commit(t, "Grace Hopper", "greeting.txt", "hello, fleet\n", "fix the retry storm")
	v2, revC := g.build(t, "v1.1.0"), g.head(t)
	g.edit(t, "greeting.txt", "hello, uncommitted\n")
	v3 := g.build(t, "v1.1.1")
	t.Logf("built hello from %s: v1.0.0 at %.12s, v1.1.0 at %.12s, v1.1.1 dirty (%s)", g.dir, revA, revC, time.Since(start).Round(time.Second))

	strategy := "  max_unavailable: 3\n  max_failures: 0\n"
	inv := l.writeInventory(t, inventoryOptions{appExtra: consulApp, port: "{port}", minHealthyTime: "1s", strategy: strategy})
	if r := l.fleetIn(t, g.dir, "rollout", "-i", inv, "-o", "json", "-a", v1, "--version", "v1.0.0"); r.code != 0 {
		t.Fatalf("rollout v1.0.0: exit %d\n%s", r.code, r.stdout)
	}

	// fleet plan: the artifact's provenance and the two commits, with
	// their authors, newest first.
	r := l.fleetIn(t, g.dir, "plan", "-i", inv, "-o", "json", "-a", v2, "--version", "v1.1.0")
	if r.code != 0 {
		t.Fatalf("plan: exit %d\n%s", r.code, r.stdout)
	}
	if p := r.eventsOf("plan", ""); len(p) != 1 || p[0]["revision"] != revC || p[0]["dirty"] != nil ||
		field(p[0], "provenance", "module") != "example.com/hello" || field(p[0], "provenance", "vcs_revision") != revC ||
		field(p[0], "provenance", "vcs_time") == nil || !strings.HasPrefix(fmt.Sprint(field(p[0], "provenance", "go_version")), "go1") {
		t.Errorf("plan event %v: want the revision %s and the whole provenance", p, revC)
	}
	wantAuthors := "Grace Hopper: fix the retry storm|Ada Lovelace: say hello to the world"
	if cl := r.eventsOf("changelog", ""); len(cl) != 1 || cl[0]["state"] != "forward" || cl[0]["from"] != revA ||
		cl[0]["to"] != revC || commitsOf(cl[0]) != wantAuthors {
		t.Errorf("plan's changelog %v, want %s", cl, wantAuthors)
	}

	// The rollout with a change note, a report, JUnit and JSON logs.
	note := "records e2e: fix the retry storm"
	dir := t.TempDir()
	report, junit := filepath.Join(dir, "report.json"), filepath.Join(dir, "junit.xml")
	r = l.fleetIn(t, g.dir, "rollout", "-i", inv, "-o", "json", "-a", v2, "--version", "v1.1.0", "-m", note,
		"--report", report, "--junit", junit, "--log-format", "json", "--log-level", "debug")
	if r.code != 0 {
		t.Fatalf("rollout v1.1.0: exit %d\n%s", r.code, r.stdout)
	}
	assertOnlyJSON(t, r.stderr)
	started := r.eventsOf("rollout_started", "")
	if len(started) != 1 || started[0]["change_note"] != note || started[0]["revision"] != revC {
		t.Fatalf("rollout_started %v, want the note and %s", started, revC)
	}
	id := started[0]["rollout_id"].(string)
	if cl := r.eventsOf("changelog", ""); len(cl) != 1 || commitsOf(cl[0]) != wantAuthors {
		t.Errorf("rollout's changelog %v, want %s", cl, wantAuthors)
	}
	l.assertReport(t, report, note, revC, wantAuthors)
	assertJUnit(t, junit, note, revC)
	l.waitAllPassing(t, len(l.names))
	for i := range l.names {
		l.assertRecorded(t, i, "v1.1.0", id, note, revC, false)
	}
	l.assertConsulMeta(t, note, revC, "false")
	l.assertHistory(t, g.dir, inv, id, note, revC, false)
	l.assertStatus(t, inv, "v1.1.0", revC, false)

	// A dirty build: refused under strategy.refuse_dirty, nothing changed;
	// then rolled out and marked dirty.
	strict := l.writeInventory(t, inventoryOptions{appExtra: consulApp, port: "{port}", minHealthyTime: "1s",
		strategy: strategy + "  refuse_dirty: true\n"})
	before := l.fingerprint(t)
	if r := l.fleetIn(t, g.dir, "rollout", "-i", strict, "-o", "json", "-a", v3, "--version", "v1.1.1"); r.code != 3 ||
		!strings.Contains(r.stderr, "uncommitted changes") {
		t.Errorf("dirty rollout under refuse_dirty: exit %d, want 3 naming the uncommitted changes\n%s", r.code, r.stderr)
	}
	if after := l.fingerprint(t); after != before {
		t.Errorf("a refused dirty rollout changed hosts:\nbefore:\n%s\nafter:\n%s", before, after)
	}
	r = l.fleetIn(t, g.dir, "rollout", "-i", inv, "-o", "json", "-a", v3, "--version", "v1.1.1", "-m", "dirty on purpose")
	if r.code != 0 {
		t.Fatalf("dirty rollout: exit %d\n%s", r.code, r.stdout)
	}
	if s := r.eventsOf("rollout_started", ""); len(s) != 1 || s[0]["dirty"] != true || s[0]["revision"] != revC {
		t.Errorf("rollout_started %v, want dirty and %s", s, revC)
	}
	dirtyID := r.eventsOf("rollout_started", "")[0]["rollout_id"].(string)
	l.waitAllPassing(t, len(l.names))
	for i := range l.names {
		l.assertRecorded(t, i, "v1.1.1", dirtyID, "dirty on purpose", revC, true)
	}
	l.assertConsulMeta(t, "dirty on purpose", revC, "true")
	l.assertHistory(t, g.dir, inv, dirtyID, "dirty on purpose", revC, true)
	l.assertStatus(t, inv, "v1.1.1", revC, true)
	t.Logf("records e2e took %s", time.Since(start).Round(time.Second))
}

// helloRepo is a git repository holding a copy of examples/hello as its
// own module, example.com/hello.
type helloRepo struct {
	dir, bin string
	env      []string
}

// newHelloRepo copies examples/hello and the fleet module's requirements
// (hello needs the Prometheus client, which the module cache holds) into a
// temporary git repository and commits it.
func newHelloRepo(t *testing.T, repo string) *helloRepo {
	t.Helper()
	tmp := t.TempDir()
	g := &helloRepo{dir: filepath.Join(tmp, "hello"), bin: filepath.Join(tmp, "bin")}
	for _, kv := range os.Environ() {
		if k, _, _ := strings.Cut(kv, "="); !strings.HasPrefix(k, "GIT_") && k != "GOFLAGS" {
			g.env = append(g.env, kv)
		}
	}
	// GOFLAGS: this machine's go env says -buildvcs=false; a build from a
	// checkout must stamp its commit.
	g.env = append(g.env, "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL="+filepath.Join(tmp, "gitconfig"),
		"GIT_COMMITTER_NAME=Fleet CI", "GIT_COMMITTER_EMAIL=ci@example.com",
		"GOWORK=off", "GOPROXY=off", "GOTOOLCHAIN=local", "CGO_ENABLED=0", "GOFLAGS=-buildvcs=true")
	for _, d := range []string{g.dir, g.bin} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	src := filepath.Join(repo, "examples", "hello")
	files, err := filepath.Glob(filepath.Join(src, "*.go"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no hello sources in %s: %v", src, err)
	}
	for _, f := range files {
		copyFile(t, f, filepath.Join(g.dir, filepath.Base(f)))
	}
	mod, err := os.ReadFile(filepath.Join(repo, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	first, rest, _ := strings.Cut(string(mod), "\n")
	if !strings.HasPrefix(first, "module ") {
		t.Fatalf("go.mod starts with %q", first)
	}
	if err := os.WriteFile(filepath.Join(g.dir, "go.mod"), []byte("module example.com/hello\n"+rest), 0o644); err != nil {
		t.Fatal(err)
	}
	copyFile(t, filepath.Join(repo, "go.sum"), filepath.Join(g.dir, "go.sum"))
	g.run(t, "git", "init", "-q", "-b", "main")
	g.edit(t, "greeting.txt", "hello\n")
	g.run(t, "git", "add", ".")
	g.gitAs(t, "Linus Torvalds", "commit", "-q", "-m", "import hello")
	return g
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

func (g *helloRepo) run(t *testing.T, argv ...string) string {
	t.Helper()
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Dir, cmd.Env = g.dir, g.env
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s: %v\n%s", strings.Join(argv, " "), err, out)
	}
	return strings.TrimSpace(string(out))
}

// gitAs runs git with author as the author of the commits it makes (the
// committer stays Fleet CI).
func (g *helloRepo) gitAs(t *testing.T, author string, args ...string) {
	t.Helper()
	email := strings.ToLower(strings.ReplaceAll(author, " ", ".")) + "@example.com"
	g.run(t, append([]string{"git", "-c", "user.name=" + author, "-c", "user.email=" + email}, args...)...)
}

func (g *helloRepo) edit(t *testing.T, name, body string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(g.dir, name), []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
}

// commit changes one file and commits it as author.
func (g *helloRepo) commit(t *testing.T, author, name, body, subject string) {
	t.Helper()
	g.edit(t, name, body)
	g.run(t, "git", "add", name)
	g.gitAs(t, author, "commit", "-q", "-m", subject)
}

func (g *helloRepo) head(t *testing.T) string {
	t.Helper()
	return g.run(t, "git", "rev-parse", "HEAD")
}

// build builds hello as version from the checkout as it is, stamping its
// VCS information.
func (g *helloRepo) build(t *testing.T, version string) string {
	t.Helper()
	out := filepath.Join(g.bin, "hello-"+version)
	g.run(t, "go", "build", "-buildvcs=true", "-trimpath", "-ldflags", "-s -w -X main.version="+version, "-o", out, ".")
	return out
}

// field walks nested JSON objects; nil when a key is missing.
func field(m map[string]any, keys ...string) any {
	var v any = m
	for _, k := range keys {
		o, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = o[k]
	}
	return v
}

// commitsOf is a changelog event's or report entry's commits as
// "author: subject|…".
func commitsOf(m map[string]any) string {
	cs, _ := m["commits"].([]any)
	var out []string
	for _, c := range cs {
		c, _ := c.(map[string]any)
		out = append(out, c["author"].(string)+": "+c["subject"].(string))
	}
	return strings.Join(out, "|")
}

// assertOnlyJSON: every line of stderr is a JSON object, and there is one.
func assertOnlyJSON(t *testing.T, stderr string) {
	t.Helper()
	n := 0
	sc := bufio.NewScanner(strings.NewReader(stderr))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Errorf("--log-format json: stderr line %d is not JSON (%v): %q", n+1, err, sc.Text())
		}
		n++
	}
	if n == 0 {
		t.Error("--log-format json --log-level debug wrote nothing to stderr: the check proves nothing")
	}
	t.Logf("stderr: %d JSON lines", n)
}

func (l *lab) assertReport(t *testing.T, path, note, rev, authors string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var rep map[string]any
	if err := json.Unmarshal(b, &rep); err != nil {
		t.Fatal(err)
	}
	cl, _ := rep["changelog"].([]any)
	if rep["change_note"] != note || rep["revision"] != rev || rep["dirty"] != nil || len(cl) != 1 ||
		commitsOf(cl[0].(map[string]any)) != authors {
		t.Errorf("report %s: want change_note %q, revision %s, not dirty, changelog %s", b, note, rev, authors)
	}
}

func assertJUnit(t *testing.T, path, note, rev string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Suites []struct {
			Properties []struct {
				Name  string `xml:"name,attr"`
				Value string `xml:"value,attr"`
			} `xml:"properties>property"`
			Cases []struct {
				Classname string `xml:"classname,attr"`
				SystemOut string `xml:"system-out"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	if err := xml.Unmarshal(b, &doc); err != nil || len(doc.Suites) != 1 {
		t.Fatalf("junit %s: %v", b, err)
	}
	props := map[string]string{}
	for _, p := range doc.Suites[0].Properties {
		props[p.Name] = p.Value
	}
	var changes []string
	for _, c := range doc.Suites[0].Cases {
		if c.Classname == "fleet.rollout.changelog" {
			changes = append(changes, c.SystemOut)
		}
	}
	if props["change_note"] != note || props["revision"] != rev || len(changes) != 1 ||
		!strings.Contains(changes[0], "2 new commits") || !strings.Contains(changes[0], rev[:12]+" Grace Hopper: fix the retry storm") ||
		!strings.Contains(changes[0], " Ada Lovelace: say hello to the world") {
		t.Errorf("junit %s: want properties change_note %q and revision %s, and one changelog case with both commits", b, note, rev)
	}
}

// assertRecorded checks host i on the host itself: release.json's
// provenance, and the journal entries of the rollout id (every one with
// the note, the switch with the revision).
func (l *lab) assertRecorded(t *testing.T, i int, version, id, note, rev string, dirty bool) {
	t.Helper()
	h := l.names[i]
	if s := l.state(t, i); s.current != version || s.version != version {
		t.Errorf("%s: current %q, /healthz %q, want %s", h, s.current, s.version, version)
	}
	var rel struct {
		Provenance struct {
			Module      string `json:"module"`
			VCSRevision string `json:"vcs_revision"`
			VCSModified bool   `json:"vcs_modified"`
		} `json:"provenance"`
	}
	if err := json.Unmarshal([]byte(l.ssh(t, h, "cat /opt/hello/releases/"+version+"/release.json")), &rel); err != nil {
		t.Fatalf("%s: release.json: %v", h, err)
	}
	if p := rel.Provenance; p.Module != "example.com/hello" || p.VCSRevision != rev || p.VCSModified != dirty {
		t.Errorf("%s: release.json provenance %+v, want example.com/hello at %s, dirty %v", h, p, rev, dirty)
	}
	n, switched := 0, false
	for _, e := range l.journal(t, h) {
		if e["rollout_id"] != id {
			continue
		}
		n++
		if e["change_note"] != note {
			t.Errorf("%s: journal entry %v lacks the note %q", h, e, note)
		}
		if e["op"] == "switch" && e["to"] == version {
			d, _ := e["dirty"].(bool)
			switched = e["revision"] == rev && d == dirty
		}
	}
	if n == 0 || !switched {
		t.Errorf("%s: journal has %d entries of %s, switch with revision %s dirty %v: %v", h, n, id, rev, dirty, switched)
	}
}

// assertConsulMeta reads every hello instance's service meta from the
// Consul server's HTTP API.
func (l *lab) assertConsulMeta(t *testing.T, note, rev, dirty string) {
	t.Helper()
	c := http.Client{Timeout: 3 * time.Second, Transport: &http.Transport{Proxy: nil}}
	resp, err := c.Get(l.consulAddr(t) + "/v1/catalog/service/hello")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var entries []struct {
		Node        string
		ServiceMeta map[string]string
	}
	if err := json.NewDecoder(resp.Body).Decode(&entries); err != nil {
		t.Fatal(err)
	}
	if len(entries) != len(l.names) {
		t.Errorf("Consul lists %d hello instances, want %d", len(entries), len(l.names))
	}
	for _, e := range entries {
		m := e.ServiceMeta
		if m["change_note"] != note || m["revision"] != rev || m["dirty"] != dirty {
			t.Errorf("%s: Consul meta %v, want change_note %q, revision %s, dirty %s", e.Node, m, note, rev, dirty)
		}
	}
}

func (l *lab) assertHistory(t *testing.T, dir, inv, id, note, rev string, dirty bool) {
	t.Helper()
	r := l.fleetIn(t, dir, "history", "-i", inv, "-o", "json")
	var hist []map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &hist); r.code != 0 || err != nil {
		t.Fatalf("history: exit %d, %v\n%s", r.code, err, r.stdout)
	}
	for _, h := range hist {
		if h["rollout_id"] != id {
			continue
		}
		if d, _ := h["dirty"].(bool); h["change_note"] != note || h["revision"] != rev || d != dirty {
			t.Errorf("history %v: want change_note %q, revision %s, dirty %v", h, note, rev, dirty)
		}
		return
	}
	t.Errorf("history has no rollout %s:\n%s", id, r.stdout)
}

// assertStatus: status -o json shows every host's current release with
// its provenance.
func (l *lab) assertStatus(t *testing.T, inv, version, rev string, dirty bool) {
	t.Helper()
	r := l.fleet(t, "status", "-i", inv, "-o", "json")
	var rows []struct {
		Host   string
		Status struct {
			Current  string
			Releases []struct {
				Version    string
				Provenance struct {
					VCSRevision string `json:"vcs_revision"`
					VCSModified bool   `json:"vcs_modified"`
				}
			}
		}
	}
	if err := json.Unmarshal([]byte(r.stdout), &rows); r.code != 0 || err != nil || len(rows) != len(l.names) {
		t.Fatalf("status: exit %d, %v\n%s", r.code, err, r.stdout)
	}
	for _, row := range rows {
		ok := false
		for _, rel := range row.Status.Releases {
			ok = ok || rel.Version == version && rel.Provenance.VCSRevision == rev && rel.Provenance.VCSModified == dirty
		}
		if row.Status.Current != version || !ok {
			t.Errorf("status of %s: current %s, releases %+v; want %s at %s, dirty %v", row.Host, row.Status.Current, row.Status.Releases, version, rev, dirty)
		}
	}
}
