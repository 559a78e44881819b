package bench

import (
	"fmt"
	"strings"
	"testing"

	"github.com/fleetdeploy/fleet/hostsim"
)

// peerSeeds is strategy.seeds' default, which BenchmarkSimRolloutPeers
// keeps: what a user gets without tuning.
const peerSeeds = 2

// BenchmarkSimRolloutPeers is BenchmarkSimRollout with
// strategy.distribute: peers: the controller uploads to the seeds and
// every other host's agent fetches the release from a host that holds it,
// over HTTP between the simulated hosts' own loopback addresses.
func BenchmarkSimRolloutPeers(b *testing.B) {
	c := simDefaults(b)
	c.peers = true
	b.Run(fmt.Sprintf("%dhosts-%dMiB", c.hosts, c.artifactMiB), func(b *testing.B) { benchSim(b, c) })
}

// checkPeers checks the fan-out on the simulated hosts and reports what
// the controller sent: the seeds got the artifact by SFTP, every other
// host none of it and one answered HTTP request to another host; then the
// controller's bytes as multiples of one artifact.
func checkPeers(b *testing.B, f *hostsim.Fleet, c simCase) {
	b.Helper()
	artifact := int64(c.artifactMiB) << 20
	var uploaded, agentBytes, sent int64
	var uploadedTo, notFetched []string
	servers := map[string]bool{}
	for _, h := range f.Hosts() {
		uploaded += h.UploadBytes()
		agentBytes += h.SFTPBytes() - h.UploadBytes()
		sent += h.BytesReceived()
		fe := h.Fetches()
		if h.UploadBytes() > 0 && len(fe) == 0 { // a seed
			uploadedTo = append(uploadedTo, h.Name())
			continue
		}
		if len(fe) != 1 || fe[0].Status != 200 || h.UploadBytes() > 0 {
			notFetched = append(notFetched, fmt.Sprintf("%s=%+v", h.Name(), fe))
			continue
		}
		servers[fe[0].Host] = true
	}
	if len(notFetched) > 0 {
		b.Fatalf("FAIL: every host but the seeds must fetch from a peer in one answered request, and get no upload; %d do not: %s",
			len(notFetched), strings.Join(notFetched, " "))
	}
	if len(uploadedTo) != peerSeeds {
		b.Fatalf("FAIL: the controller uploaded to %d hosts (%s), want the %d seeds", len(uploadedTo), strings.Join(uploadedTo, " "), peerSeeds)
	}
	b.Logf("the controller uploaded the artifact to %s; %d hosts served it to the others", strings.Join(uploadedTo, ", "), len(servers))
	b.ReportMetric(float64(uploaded)/float64(artifact), "ctl_upload/artifact")
	b.ReportMetric(float64(sent)/float64(artifact), "ctl_sent/artifact")
	b.ReportMetric(float64(agentBytes)/(1<<20), "agent_install_MiB")
	b.ReportMetric(float64(sent-uploaded-agentBytes)/float64(c.hosts)/(1<<10), "protocol_KiB/host")
	b.ReportMetric(float64(len(servers)), "serving_hosts")
}
