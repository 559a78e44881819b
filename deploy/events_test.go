package deploy_test

import (
	"os"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/fleetdeploy/fleet/deploy"
)

// TestEvents_Documented: docs/events.md documents exactly the kinds
// deploy.Kinds lists (one `### kind` heading each, no more, no fewer),
// and every field of an event in its table.
func TestEvents_Documented(t *testing.T) {
	data, err := os.ReadFile("../docs/events.md")
	if err != nil {
		t.Fatal(err)
	}
	doc := string(data)
	var documented []string
	for _, m := range regexp.MustCompile("(?m)^### `([a-z_]+)`").FindAllStringSubmatch(doc, -1) {
		documented = append(documented, m[1])
	}
	var kinds []string
	for _, k := range deploy.Kinds() {
		kinds = append(kinds, string(k))
		if !slices.Contains(documented, string(k)) {
			t.Errorf("kind %q is not documented in docs/events.md", k)
		}
	}
	for _, d := range documented {
		if !slices.Contains(kinds, d) {
			t.Errorf("docs/events.md documents kind %q, which is no deploy.Kind constant", d)
		}
	}
	fields := doc[strings.Index(doc, "## Fields"):strings.Index(doc, "## Kinds")]
	et := reflect.TypeFor[deploy.Event]()
	for i := range et.NumField() {
		name, _, _ := strings.Cut(et.Field(i).Tag.Get("json"), ",")
		if !strings.Contains(fields, "`"+name+"`") {
			t.Errorf("field %q is not in docs/events.md's table", name)
		}
	}
	if !strings.Contains(doc, `"schema": 1`) || deploy.Schema != 1 {
		t.Errorf("docs/events.md and deploy.Schema (%d) disagree", deploy.Schema)
	}
}

// TestEvents_NoKindLiterals: kinds are only ever the constants, so the
// list above is every kind there is. A string literal given as an
// event's kind in deploy or cmd/fleet fails here.
func TestEvents_NoKindLiterals(t *testing.T) {
	literal := regexp.MustCompile(`Kind:\s*"`)
	for _, dir := range []string{".", "../cmd/fleet"} {
		files, _ := os.ReadDir(dir)
		for _, f := range files {
			if !strings.HasSuffix(f.Name(), ".go") || strings.HasSuffix(f.Name(), "_test.go") {
				continue
			}
			src, err := os.ReadFile(dir + "/" + f.Name())
			if err != nil {
				t.Fatal(err)
			}
			if literal.Match(src) {
				t.Errorf("%s/%s gives an event kind as a string literal; use a deploy.Kind constant", dir, f.Name())
			}
		}
	}
}
