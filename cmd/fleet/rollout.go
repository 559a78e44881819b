package main

import (
	"github.com/urfave/cli/v2"

	"github.com/fleetdeploy/fleet/deploy"
)

func rolloutCommand() *cli.Command {
	return &cli.Command{
		Name:  "rollout",
		Usage: "put a new version on every selected host in rolling batches, gated on health",
		Flags: concatFlags(commonFlags(), strategyFlags(), canaryFlags(), confirmFlags(), reportFlags(), noteFlags(), urlFlags(),
			[]cli.Flag{
				&cli.StringFlag{Name: "artifact", Aliases: []string{"a"}, Required: true, EnvVars: []string{"FLEET_ARTIFACT"}, Usage: "the release: a binary, a bundle, or an https:// URL the hosts fetch it from"},
				&cli.StringFlag{Name: "version", EnvVars: []string{"FLEET_VERSION"}, Usage: "release version (default: derived from the artifact's checksum; required with a URL)"},
				&cli.BoolFlag{Name: "abandon-paused", EnvVars: []string{"FLEET_ABANDON_PAUSED"}, Usage: "roll out even though a rollout is paused after its canary; the hosts' journals record it as abandoned"},
				&cli.StringFlag{Name: "stage", EnvVars: []string{"FLEET_STAGE"}, Usage: "when to upload: before (every host holds the release before any host changes) or ahead (every host is checked first, uploads run while hosts are activated) (default: inventory, else before)"},
				distributeFlag,
				&cli.StringFlag{Name: "revision", EnvVars: []string{"FLEET_REVISION"}, Usage: "the git commit the artifact was built from, for one whose Go build info has none (a script, a C binary); must agree with the build info's when it has one"},
				&cli.BoolFlag{Name: "allow-downgrade", EnvVars: []string{"FLEET_ALLOW_DOWNGRADE"}, Usage: "roll out a version earlier than the hosts run (semantic versions) without asking; off a terminal such a rollout is refused without it"},
				&cli.BoolFlag{Name: "refuse-dirty", EnvVars: []string{"FLEET_REFUSE_DIRTY"}, Usage: "refuse an artifact built from a git tree with uncommitted changes (default: inventory strategy.refuse_dirty)"},
			}),
		Action: runRollout,
	}
}

func concatFlags(groups ...[]cli.Flag) []cli.Flag {
	var out []cli.Flag
	for _, g := range groups {
		out = append(out, g...)
	}
	return out
}

var runRollout = mutating("rollout", func(c *cli.Context, t *target) (deploy.Record, error) {
	o, err := rolloutOptions(c, t)
	if err != nil {
		return deploy.Record{}, withExit(exitCannotStart, err)
	}
	r, err := deploy.Rollout(c.Context, o)
	return r, runExit(c.Context, r, err)
})

// rolloutOptions reads what a rollout takes from the flags: the strategy,
// the canary, the staging mode and the artifact.
func rolloutOptions(c *cli.Context, t *target) (deploy.Options, error) {
	o := t.opts
	if err := strategyFlagsOf(c).Rollout(&o); err != nil {
		return o, err
	}
	var err error
	o.Artifact, err = artifactOf(c, t)
	o.AbandonPaused = c.Bool("abandon-paused")
	o.Downgrade = t.downgrade // --allow-downgrade is in the policy
	return o, err
}

// artifactOf is the release of --artifact, --version, --revision,
// --sha256 and --allow-http (rollout and plan; plan has no --revision); a
// bundle's binary is app.binary.
func artifactOf(c *cli.Context, t *target) (deploy.Artifact, error) {
	return deploy.OpenReleaseFlags(c.Context, deploy.ReleaseFlags{Artifact: c.String("artifact"), Version: c.String("version"),
		Revision: c.String("revision"), SHA256: c.String("sha256"), AllowHTTP: c.Bool("allow-http")}, t.inv.App.Binary, nil)
}

// urlFlags go with an --artifact URL (deploy.OpenURLRelease).
func urlFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "sha256", EnvVars: []string{"FLEET_SHA256"}, Usage: "the artifact's sha256; for a URL, without it the controller reads <url>.sha256"},
		&cli.BoolFlag{Name: "allow-http", EnvVars: []string{"FLEET_ALLOW_HTTP"}, Usage: "let the hosts fetch an http:// artifact URL (the sha256 still checks the bytes)"},
	}
}

// target loads the inventory for a mutating command, with its
// confirmation settings and change note.
func (r *runRecord) target(c *cli.Context) (*target, error) {
	ask, err := newConfirmOptions(c, r.out.json)
	if err != nil {
		return nil, err
	}
	note, err := changeNoteOf(c)
	if err != nil {
		return nil, err
	}
	t, err := loadTargetWith(c, r.out, r.log)
	if err != nil {
		return nil, err
	}
	t.ask = ask
	t.opts.Confirm = t.confirm
	t.opts.ChangeNote = note
	return t, nil
}
