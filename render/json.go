package render

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/fleetdeploy/fleet/deploy"
)

// jsonRenderer writes deploy.Event's own encoding, one per line: that
// struct is the schema (docs/events.md).
type jsonRenderer struct{ w io.Writer }

func (j jsonRenderer) render(e deploy.Event) {
	b, err := json.Marshal(e)
	if err != nil {
		b, _ = json.Marshal(deploy.Event{Schema: e.Schema, Time: e.Time, Kind: e.Kind, Error: "encode event: " + err.Error()})
	}
	fmt.Fprintf(j.w, "%s\n", b)
}

func (jsonRenderer) close() {}
