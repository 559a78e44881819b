// Package labtest holds the end-to-end test that proves the lab
// (e2e/lab/lab.sh) is real: strict SSH with per-host keys, SFTP, systemd over
// D-Bus, HTTP from the controller, Consul on every host and, with LB=1,
// Prometheus scraping them. The test needs the build tag e2e and a running
// lab:
//
//	LB=1 e2e/lab/lab.sh up 3
//	go test -tags e2e -count=1 -v ./e2e/labtest/
//
// Without a lab (or without its Prometheus) it skips, unless CI=true or
// FLEET_E2E=1: then it fails.
//
// TestLab_HAProxyWeights measures how HAProxy follows Consul service weights
// (FLEET_LAB_WEIGHTS=1 runs it; it takes a few minutes): the figures behind
// the gray release's weights.
package labtest
