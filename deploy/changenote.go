package deploy

import "github.com/fleetdeploy/fleet/agent"

// ChangeNote is a run's change note (Options.ChangeNote): message
// (-m/--message) when given, even "", else under a CI that fleet knows a
// note naming the build (CIChangeNote). A note the agent would refuse is
// refused here, before any host is contacted, as the flag's
// (*OverrideError).
func ChangeNote(message *string, getenv func(string) string) (string, error) {
	note := CIChangeNote(getenv)
	if message != nil {
		note = *message
	}
	if err := agent.ValidateChangeNote(note); err != nil {
		return "", &OverrideError{Flag: "message", Err: err}
	}
	return note, nil
}
