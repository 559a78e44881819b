package deploy_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/fleetdeploy/fleet/deploy"
	"github.com/fleetdeploy/fleet/hostsim"
)

// TestNewPeerTree: the hosts that hold the release double every wave;
// each fetcher tries its peer, then the next one.
func TestNewPeerTree(t *testing.T) {
	tr := deploy.NewPeerTree([]string{"a", "b", "c", "d", "e", "f", "g", "h"}, 2, 20)
	want := deploy.PeerTree{Seeds: []string{"a", "b"}, Fetches: []deploy.PeerFetch{
		{Host: "c", Wave: 1, From: []string{"a", "b"}}, {Host: "d", Wave: 1, From: []string{"b", "a"}},
		{Host: "e", Wave: 2, From: []string{"a", "b"}}, {Host: "f", Wave: 2, From: []string{"b", "c"}},
		{Host: "g", Wave: 2, From: []string{"c", "d"}}, {Host: "h", Wave: 2, From: []string{"d", "a"}},
	}}
	if !reflect.DeepEqual(tr, want) {
		t.Errorf("tree\n got %+v\nwant %+v", tr, want)
	}
	if tr := deploy.NewPeerTree([]string{"a", "b", "c"}, 1, 1); len(tr.Fetches) != 2 || tr.Fetches[1].Wave != 2 ||
		!reflect.DeepEqual(tr.Fetches[1].From, []string{"a", "b"}) {
		t.Errorf("parallel 1: %+v, want one fetcher per wave", tr)
	}
	if tr := deploy.NewPeerTree([]string{"a"}, 2, 20); !reflect.DeepEqual(tr.Seeds, []string{"a"}) || tr.Fetches != nil {
		t.Errorf("one host: %+v, want it a seed", tr)
	}
}

// peerRange is a loopback port range free now, as strategy.peer_port.
func peerRange(t *testing.T, n int) string {
	t.Helper()
	for range 20 {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		first := ln.Addr().(*net.TCPAddr).Port
		_ = ln.Close()
		ok := first+n <= 65535
		for p := first; ok && p < first+n; p++ {
			l, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", p))
			if ok = err == nil; ok {
				_ = l.Close()
			}
		}
		if ok {
			return fmt.Sprintf("%d-%d", first, first+n-1)
		}
	}
	t.Fatal("no free port range")
	return ""
}

var hex64 = regexp.MustCompile(`[0-9a-f]{64}`)

// TestRollout_Peers: with distribute: peers and one seed, the controller
// uploads to the first host only; the others fetch from hosts that have
// it, as fleet plan said, and every host runs the release. No event or
// journal holds the rollout's token (any 64-hex string but the sha256).
func TestRollout_Peers(t *testing.T) {
	f := hostsim.New(t, 4, hostsim.Options{})
	evs := &events{}
	o := simOptions(t, f, fmt.Sprintf("strategy: {distribute: peers, seeds: 1, peer_port: %q}\n", peerRange(t, 10)), evs)
	body := bytes.Repeat([]byte("hello v2\n"), 100_000)
	p := filepath.Join(t.TempDir(), "hello-v2")
	if err := os.WriteFile(p, body, 0o755); err != nil {
		t.Fatal(err)
	}
	a, err := deploy.OpenArtifact(p, "v2")
	if err != nil {
		t.Fatal(err)
	}
	o.Artifact = a
	rep, err := deploy.Plan(t.Context(), o)
	if err != nil {
		t.Fatal(err)
	}
	names := []string{}
	for _, h := range f.Hosts() {
		names = append(names, h.Name())
	}
	if want := deploy.NewPeerTree(names, 1, 20); rep.Peers == nil || !reflect.DeepEqual(*rep.Peers, want) {
		t.Fatalf("plan's peers %+v, want %+v", rep.Peers, want)
	}
	var planPeers int
	for _, e := range rep.Events() {
		if e.Kind == deploy.KindPlanPeer {
			planPeers++
		}
	}
	if planPeers != 4 {
		t.Errorf("%d plan_peer events, want one per host", planPeers)
	}

	rec, err := deploy.Rollout(t.Context(), o)
	if err != nil || rec.Result.Err() != nil {
		t.Fatalf("rollout: %v %+v", err, rec.Result)
	}
	for i, h := range f.Hosts() {
		got, err := os.ReadFile(filepath.Join(h.AppRoot(), "releases", "v2", "hello"))
		if h.Current() != "v2" || err != nil || !bytes.Equal(got, body) {
			t.Errorf("%s: current %q, releases/v2/hello %d bytes (%v)", h.Name(), h.Current(), len(got), err)
		}
		if n := h.BytesReceived(); (i == 0) != (n >= int64(len(body))) {
			t.Errorf("%s: the controller sent %d bytes by SFTP; want the artifact to the seed (the first host) only", h.Name(), n)
		}
		for _, e := range h.JournalEntries(t) {
			if s := hex64.FindString(fmt.Sprint(e)); s != "" && s != a.SHA256 {
				t.Errorf("%s: journal entry holds a 64-hex secret: %+v", h.Name(), e)
			}
		}
	}
	from := map[string]string{}
	for _, ev := range evs.evs {
		data, _ := json.Marshal(ev)
		if s := hex64.FindString(string(data)); s != "" && s != a.SHA256 {
			t.Errorf("event holds a 64-hex secret: %s", data)
		}
		if ev.Kind == deploy.KindHostStep && ev.Step == "upload" && ev.Host != names[0] {
			t.Errorf("upload to %s, not the seed", ev.Host)
		}
		if ev.Kind == deploy.KindHostStep && ev.Step == "fetch" && strings.HasPrefix(ev.Message, "from peer ") {
			from[ev.Host] = strings.Fields(ev.Message)[2]
		}
	}
	want := map[string]string{names[1]: names[0], names[2]: names[0], names[3]: names[1]}
	if !reflect.DeepEqual(from, want) {
		t.Errorf("fetched from %v, want %v", from, want)
	}
}

// TestRollout_PeersNoPortFallsBackToUploads: when no host can serve (its
// one peer port is taken), every host gets the controller's upload.
func TestRollout_PeersNoPortFallsBackToUploads(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	f := hostsim.New(t, 2, hostsim.Options{})
	evs := &events{}
	o := simOptions(t, f, fmt.Sprintf("strategy: {distribute: peers, seeds: 1, peer_port: %d}\n", ln.Addr().(*net.TCPAddr).Port), evs)
	o.Artifact = artifact(t, "v2")
	rec, err := deploy.Rollout(t.Context(), o)
	if err != nil || rec.Result.Err() != nil {
		t.Fatalf("rollout: %v %+v", err, rec.Result)
	}
	uploads, notServing := 0, 0
	for _, ev := range evs.evs {
		switch {
		case ev.Kind == deploy.KindHostStep && ev.Step == "upload":
			uploads++
		case ev.Kind == deploy.KindHostStep && ev.Step == "serve" && strings.HasPrefix(ev.Message, "not serving"):
			notServing++
		}
	}
	if uploads != 2 || notServing != 2 {
		t.Errorf("%d uploads, %d hosts not serving: want the controller to upload to both", uploads, notServing)
	}
	for _, h := range f.Hosts() {
		if h.Current() != "v2" {
			t.Errorf("%s: current %q", h.Name(), h.Current())
		}
	}
}

// TestRollout_PeersRefuseABundle: a bundle's archive is not kept on the
// hosts, so peers cannot serve it: refused before any host is contacted.
func TestRollout_PeersRefuseABundle(t *testing.T) {
	f := hostsim.New(t, 2, hostsim.Options{})
	o := simOptions(t, f, "strategy: {distribute: peers}\n", &events{})
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "hello"), []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	a, err := deploy.OpenAppRelease(dir, "v2", "", "hello")
	if err != nil {
		t.Fatal(err)
	}
	o.Artifact = a
	if _, err := deploy.Plan(t.Context(), o); err == nil || !strings.Contains(err.Error(), "bare binaries only") {
		t.Errorf("plan: %v, want the bundle refused", err)
	}
	if _, err := deploy.Rollout(t.Context(), o); err == nil || !strings.Contains(err.Error(), "bare binaries only") {
		t.Errorf("rollout: %v, want the bundle refused", err)
	}
	for _, h := range f.Hosts() {
		if n := len(h.JournalEntries(t)); n != 0 {
			t.Errorf("%s: %d journal entries: the host was contacted", h.Name(), n)
		}
	}
}

// TestRollout_PeersHostilePeerLandsNothing: the seed's binary is
// overwritten on its disk as soon as it serves (the controller's event,
// before the next wave), and it serves that. The first fetcher's fetch
// from it is refused (checksum_mismatch) and the controller uploads to
// it; the seed then serves nobody, so the next host fetches from the
// first fetcher without trying it. Both hold the true bytes.
func TestRollout_PeersHostilePeerLandsNothing(t *testing.T) {
	f := hostsim.New(t, 3, hostsim.Options{})
	extra := fmt.Sprintf("strategy: {distribute: peers, seeds: 1, peer_port: %q, max_failures: 3}\n", peerRange(t, 10))
	v2 := artifact(t, "v2")
	seed := f.Hosts()[0]
	bin := filepath.Join(seed.AppRoot(), "releases", "v2", "hello")
	evs := &events{}
	o := simOptions(t, f, extra, evs)
	o.Artifact = v2
	o.Events = func(e deploy.Event) {
		evs.add(e)
		if e.Kind == deploy.KindHostStep && e.Step == "serve" && e.Host == seed.Name() {
			if err := os.Chmod(bin, 0o755); err != nil {
				t.Error(err)
			}
			if err := os.WriteFile(bin, []byte("hostile v2\n"), 0o755); err != nil {
				t.Error(err)
			}
		}
	}
	if _, err := deploy.Rollout(t.Context(), o); err != nil {
		t.Fatal(err)
	}
	want, _ := os.ReadFile(v2.Path)
	for _, h := range f.Hosts()[1:] {
		got, err := os.ReadFile(filepath.Join(h.AppRoot(), "releases", "v2", "hello"))
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("%s: releases/v2/hello %q (%v), want the artifact's bytes", h.Name(), got, err)
		}
	}
	var failed, uploads []string
	fetchedFrom := map[string]string{}
	for _, ev := range evs.evs {
		switch {
		case ev.Kind == deploy.KindHostStep && ev.Step == "fetch" && strings.Contains(ev.Message, "failed"):
			if !strings.Contains(ev.Message, "checksum_mismatch") && !strings.Contains(ev.Message, "sha256") {
				t.Errorf("%s: %q, want the checksum named", ev.Host, ev.Message)
			}
			failed = append(failed, ev.Host)
		case ev.Kind == deploy.KindHostStep && ev.Step == "upload":
			uploads = append(uploads, ev.Host)
		case ev.Kind == deploy.KindHostStep && ev.Step == "stage" && strings.Contains(ev.Message, "fetched from peer"):
			fetchedFrom[ev.Host] = ev.Message
		}
	}
	h2, h3 := f.Hosts()[1].Name(), f.Hosts()[2].Name()
	if !reflect.DeepEqual(failed, []string{h2}) {
		t.Errorf("failed peer fetches on %v, want one, on %s (the seed then serves nobody)", failed, h2)
	}
	if !reflect.DeepEqual(uploads, []string{seed.Name(), h2}) {
		t.Errorf("uploads to %v, want the controller's to the seed, then to %s", uploads, h2)
	}
	if m := fetchedFrom[h3]; !strings.Contains(m, "from peer "+h2) || len(fetchedFrom) != 1 {
		t.Errorf("fetched: %v, want %s from %s", fetchedFrom, h3, h2)
	}
}

// TestStrategyFlags_Distribute: --distribute sets the inventory's
// strategy.distribute; any other value than controller or peers is the
// flag's error.
func TestStrategyFlags_Distribute(t *testing.T) {
	f := hostsim.New(t, 1, hostsim.Options{})
	o := simOptions(t, f, "", &events{})
	if err := (deploy.StrategyFlags{Distribute: "peers"}).Rollout(&o); err != nil || !o.Inventory.Strategy.Peers() {
		t.Errorf("--distribute peers: %v, peers %v", err, o.Inventory.Strategy.Peers())
	}
	err := (deploy.StrategyFlags{Distribute: "torrent"}).ApplyDistribute(o.Inventory)
	var oe *deploy.OverrideError
	if !errors.As(err, &oe) || oe.Flag != "distribute" || !strings.Contains(err.Error(), `"torrent"`) {
		t.Errorf("--distribute torrent: %v, want the flag's error naming the value", err)
	}
}
