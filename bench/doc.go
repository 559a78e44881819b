// Package bench holds fleet's benchmarks; BENCHMARKS.md describes the method
// and records the numbers. `make bench` runs them and prints a table.
//
//   - BenchmarkSimRollout, BenchmarkSimRolloutLatency: the real controller
//     (cmd/fleet, built and run as its own process, so that its CPU time
//     and peak RSS are its own) rolls an artifact out to a hostsim fleet
//     served by the benchmark process. SimRollout also reports its staging
//     phase's artifact bytes per CPU-second, which the table compares with
//     SSHFloor's (stage_rate/ssh_rate).
//   - BenchmarkSimRolloutPeers: the same rollout with strategy.distribute:
//     peers; the simulated hosts fetch from each other over HTTP.
//   - BenchmarkSSHFloor: x/crypto SSH alone on loopback, both ends in this
//     process, and the best wall/floor that throughput allows the
//     SimRolloutLatency fleet: the bound the simulation cannot beat here,
//     and its bytes per CPU-second.
//   - BenchmarkLabUpload, BenchmarkLabRollback: fleet against the lab
//     (e2e/lab), compared with OpenSSH on the same link; skipped when the
//     lab is not up.
//
// The package has no code of its own outside its tests; cmd/benchtable
// turns `go test -bench` output into the table.
package bench
