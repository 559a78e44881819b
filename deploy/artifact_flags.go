package deploy

import "github.com/fleetdeploy/fleet/agent"

// OpenRelease is the release a rollout or its plan takes from the command
// line: version (--version; "" derives it) checked as the agent will
// before the file is read, then OpenArtifact and WithRevision
// (--revision).
func OpenRelease(path, version, revision string) (Artifact, error) {
	return OpenAppRelease(path, version, revision, "")
}

// OpenAppRelease is OpenRelease for the app whose executable is binary
// (app.binary): a bundle's build info is read from it (OpenBundle).
func OpenAppRelease(path, version, revision, binary string) (Artifact, error) {
	if version != "" {
		if err := agent.ValidateVersion(version); err != nil {
			return Artifact{}, &OverrideError{Flag: "version", Err: err}
		}
	}
	a, err := OpenBundle(path, version, binary)
	if err != nil {
		return a, err
	}
	return a.WithRevision(revision)
}
