// Package labtest holds the end-to-end test that proves the lab
// (e2e/lab/lab.sh) is real: strict SSH with per-host keys, SFTP, systemd over
// D-Bus, HTTP from the controller and Consul on every host. The test needs
// the build tag e2e and a running lab:
//
//	e2e/lab/lab.sh up 3
//	go test -tags e2e -count=1 -v ./e2e/labtest/
//
// Without a lab it skips, unless CI=true or FLEET_E2E=1: then it fails.
package labtest
