#!/usr/bin/env bash
# lab.sh: the fleet test lab. N Debian bookworm hosts booted with
# `systemd-nspawn --boot` (real systemd, dbus, sshd, a Consul client agent),
# each in its own network namespace on a bridge only this machine sees, plus a
# Consul server on the bridge address (HTTP and DNS) and, with LB=1, HAProxy
# on the bridge address following the hello service through Consul DNS and
# Prometheus scraping every hello instance Consul knows.
# Run as root on Debian 12.
#
#   lab.sh up [N]      boot N hosts (default 3); idempotent, repairs dead hosts;
#                      LB=1 lab.sh up [N] also starts HAProxy (examples/haproxy)
#                      and Prometheus (examples/prometheus; PROM=0/1 overrides)
#   lab.sh down        stop and remove everything; safe when nothing is up
#   lab.sh status      hosts, their state, Consul members, HAProxy, Prometheus
#   lab.sh env         print the lab's paths and settings
#   lab.sh kill HOST   hard power-off of one host (SIGKILL), for failure tests
#   lab.sh consul      only build (or find) the Consul binary
#   lab.sh image       only install packages and build/unpack the root fs
#
# Facts this script relies on are measured in /work/shared/notes/testhosts.md
# and consul.md. Nothing here talks to a host before assert_lab_net has
# checked that the bridge and the namespaces this script created exist.
set -euo pipefail
export LC_ALL=C # $EPOCHREALTIME with a '.' and stable tool output

# ---------------------------------------------------------------- settings
SCRIPT_DIR=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
SELF=$SCRIPT_DIR/$(basename -- "${BASH_SOURCE[0]}")
REPO=$(cd -- "$SCRIPT_DIR/../.." && pwd)
LAB_DIR=${FLEET_LAB_DIR:-$REPO/.lab}
CACHE=${FLEET_LAB_CACHE:-/var/cache/fleet-lab}
STATE=${FLEET_LAB_STATE:-/var/lib/fleet-lab}
SUITE=bookworm
BRIDGE=fleetbr0
NET_PREFIX=10.231.0          # /24; bridge .1, host i at .(10+i)
BRIDGE_ADDR=$NET_PREFIX.1
NS_PREFIX=fleetlab-          # netns fleetlab-lab1
VETH_PREFIX=fl-              # host-side veth fl-lab1
CGROUP_NAME=fleet-lab        # /sys/fs/cgroup/{systemd,unified}/fleet-lab/labN
CONSUL_PORT=8500
CONSUL_DNS_PORT=8600         # Consul DNS, on the bridge address only (HAProxy's service discovery)
# Consul DNS as HAProxy needs it (examples/haproxy/README.md): answers not
# cached (TTL 0), passing instances only (an instance whose check warns is
# not served), all instances in a UDP answer to a client without EDNS too.
CONSUL_DNS_CONFIG='dns_config { service_ttl { "*" = "0s" } only_passing = true udp_answer_limit = 64 }'
LB=${LB:-0}                  # 1: lab.sh up also starts HAProxy
LB_PORT=8080                 # HAProxy's frontend, on the bridge address only
LB_EXAMPLE=$REPO/examples/haproxy/haproxy.cfg
PROM=${PROM:-$LB}            # 1: lab.sh up also starts Prometheus (on with LB=1)
PROM_PORT=9090               # Prometheus' HTTP API and UI, on the bridge address only
PROM_EXAMPLE=$REPO/examples/prometheus/prometheus.yml
PROM_SERVICE=hello           # the Consul service Prometheus scrapes
PROM_RETENTION=2h            # a lab run's worth of samples, no more
MAX_HOSTS=200
BOOT_TIMEOUT=${FLEET_LAB_BOOT_TIMEOUT:-180}   # seconds, whole lab
STOP_TIMEOUT=${FLEET_LAB_STOP_TIMEOUT:-20}    # seconds before SIGKILL
KEY_TYPES=${FLEET_LAB_KEY_TYPES:-ed25519}     # what ssh-keyscan records (hosts have ed25519, ecdsa)
# tmux: the terminal recording test; haproxy: the LB=1 load balancer; socat: its stats socket;
# prometheus: the LB=1 (PROM=1) metrics a gray release is judged by
DEB_PACKAGES=(debootstrap systemd-container zstd openssh-client iproute2 curl jq procps tmux haproxy socat prometheus)
ROOTFS_INCLUDE=systemd,systemd-sysv,dbus,openssh-server,iproute2,curl,ca-certificates,python3,procps,sudo
DEPLOY_USER=deploy # a non-root SSH user with one sudo rule (add_deploy_user)
MASKED_UNITS=(apt-daily.timer apt-daily-upgrade.timer dpkg-db-backup.timer
	e2scrub_all.timer e2scrub_reap.service fstrim.timer
	systemd-pstore.service getty@tty1.service)

CONSUL_MOD=$SCRIPT_DIR/consul
HOSTS_DIR=$STATE/hosts
LAYER=$STATE/layer
ROOTFS=$STATE/rootfs
SERVER_DIR=$STATE/consul-server
LB_DIR=$STATE/haproxy        # the lab's HAProxy: haproxy.cfg, haproxy.pid, haproxy.log, admin.sock
PROM_DIR=$STATE/prometheus   # the lab's Prometheus: prometheus.yml, data/, targets/, *.pid, *.log

T0=$EPOCHREALTIME

# ---------------------------------------------------------------- helpers
elapsed() { # seconds since $1 (an $EPOCHREALTIME value), one decimal
	local now=$EPOCHREALTIME
	local a=${1/./} b=${now/./}
	local d=$(( (10#$b - 10#$a) / 100000 ))
	printf '%d.%d' $((d / 10)) $((d % 10))
}
log() { printf '[lab %6ss] %s\n' "$(elapsed "$T0")" "$*" >&2; }
die() { printf '[lab %6ss] ERROR: %s\n' "$(elapsed "$T0")" "$*" >&2; exit 1; }
# die_log FILE MSG: die, with the last lines of FILE on stderr first (CI keeps
# only what was printed, not the lab's state directory)
die_log() {
	local f=$1
	shift
	if [[ -s $f ]]; then
		printf '[lab] --- last lines of %s\n' "$f" >&2
		tail -n 20 -- "$f" | sed 's/^/[lab] | /' >&2
	fi
	die "$* (see $f)"
}

need_root() { [[ $EUID -eq 0 ]] || die "must run as root (nspawn, netns, overlay mounts)"; }

host_name() { echo "lab$1"; }
host_addr() { echo "$NET_PREFIX.$((10 + $1))"; }
host_ns() { echo "${NS_PREFIX}lab$1"; }
host_veth() { echo "${VETH_PREFIX}lab$1"; }
host_dir() { echo "$HOSTS_DIR/lab$1"; }

# pid_alive PIDFILE WORD: the pid in PIDFILE is running and its command
# line contains WORD (guards against a recycled pid)
pid_alive() {
	local f=$1 word=$2 pid
	[[ -s $f ]] || return 1
	pid=$(<"$f")
	[[ $pid =~ ^[0-9]+$ ]] && cmdline_has "$pid" "$word"
}

# cmdline_has PID WORD: PID's command line contains WORD
cmdline_has() {
	local cmdline
	# 2>/dev/null first: a process gone meanwhile makes the < redirection fail
	cmdline=$(tr '\0' ' ' 2>/dev/null </proc/"$1"/cmdline) || return 1
	[[ $cmdline == *"$2"* ]]
}

# await_exec PID WORD: wait until PID, just started with `cmd &`, runs its
# program (its command line contains WORD). Until it has exec'd, /proc shows
# a copy of this script, so a pid_alive check made right after `&` would call
# a process that is starting "exited" (CI failed so once on haproxy). Fails
# when the process ended first. Pid files are written only after it.
await_exec() {
	local pid=$1 word=$2 stat
	for _ in $(seq 200); do # 10 s
		stat=$(cat "/proc/$pid/stat" 2>/dev/null) || return 1
		[[ ${stat##*) } == Z* ]] && return 1
		cmdline_has "$pid" "$word" && return 0
		sleep 0.05
	done
	return 1
}

# host indexes that have a state dir, sorted numerically
lab_host_indexes() {
	local d
	[[ -d $HOSTS_DIR ]] || return 0
	for d in "$HOSTS_DIR"/lab*; do
		[[ -d $d ]] && echo "${d##*/lab}"
	done | sort -n
}

host_running() { # index: launcher and nspawn both alive
	local h; h=$(host_dir "$1")
	pid_alive "$h/launcher.pid" _run-host && pid_alive "$h/nspawn.pid" systemd-nspawn
}

# ---------------------------------------------------------------- the network guard
# assert_lab_net ADDR...: refuse to send traffic unless the bridge this script
# creates exists with its address, every address is inside its subnet, the
# kernel routes it out of that bridge, and (for host addresses) the host's
# namespace exists. A missing lab can then never send packets down the
# machine's default route.
assert_lab_net() {
	local a i route
	ip -o link show dev "$BRIDGE" type bridge >/dev/null 2>&1 ||
		die "lab network missing: bridge $BRIDGE does not exist (run: lab.sh up)"
	[[ $(ip -o -4 addr show dev "$BRIDGE" 2>/dev/null) == *" $BRIDGE_ADDR/24 "* ]] ||
		die "lab network wrong: $BRIDGE has no $BRIDGE_ADDR/24"
	for a in "$@"; do
		[[ $a == "$NET_PREFIX".* ]] || die "refusing traffic to $a: outside $NET_PREFIX.0/24"
		route=$(ip -o route get "$a" 2>/dev/null || true)
		[[ $route == *"dev $BRIDGE "* || $route == local* ]] ||
			die "refusing traffic to $a: not routed via $BRIDGE"
		[[ $a == "$BRIDGE_ADDR" ]] && continue
		i=$(( ${a##*.} - 10 ))
		[[ -e /run/netns/$(host_ns "$i") ]] ||
			die "refusing traffic to $a: netns $(host_ns "$i") missing"
	done
}

# ---------------------------------------------------------------- packages
ensure_packages() {
	local missing=() p
	for p in "${DEB_PACKAGES[@]}"; do
		[[ $(dpkg-query -W -f='${Status}' "$p" 2>/dev/null) == "install ok installed" ]] || missing+=("$p")
	done
	if ((${#missing[@]} > 0)); then
		local t=$EPOCHREALTIME
		log "installing packages: ${missing[*]}"
		DEBIAN_FRONTEND=noninteractive apt-get update -qq
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
		log "packages installed in $(elapsed "$t")s"
	fi
	quiet_distro_service haproxy
	quiet_distro_service prometheus
}

# quiet_distro_service NAME: the Debian packages of haproxy and prometheus
# enable and start their own NAME.service (haproxy on /etc/haproxy's config,
# prometheus on 0.0.0.0:9090). The lab runs its own (start_lb, start_prom)
# and nothing else may listen: stop and disable the package's.
quiet_distro_service() {
	local unit=$1.service
	command -v systemctl >/dev/null || return 0
	if [[ -d /run/systemd/system ]]; then
		if systemctl is-enabled --quiet "$unit" 2>/dev/null ||
			systemctl is-active --quiet "$unit" 2>/dev/null; then
			systemctl disable --now --quiet "$unit"
			log "stopped and disabled the Debian package's $unit (the lab runs its own)"
		fi
	elif systemctl is-enabled --quiet "$unit" 2>/dev/null; then
		# systemd is not PID 1 (a container): apt's invoke-rc.d may have
		# started the package's init script, unless policy-rc.d forbade it
		systemctl disable --quiet "$unit"
		if [[ -x /etc/init.d/$1 ]] && /etc/init.d/"$1" status >/dev/null 2>&1; then
			/etc/init.d/"$1" stop >/dev/null 2>&1 || true
		fi
		log "disabled the Debian package's $unit (the lab runs its own)"
	fi
}

# ---------------------------------------------------------------- root fs
# The Debian mirror this machine's apt sources name for $SUITE (deb822
# .sources files and one-line .list files). FLEET_LAB_MIRROR overrides.
apt_mirror() {
	if [[ -n ${FLEET_LAB_MIRROR:-} ]]; then echo "$FLEET_LAB_MIRROR"; return; fi
	local files=() f m
	shopt -s nullglob
	files=(/etc/apt/sources.list.d/*.sources)
	for f in "${files[@]}"; do
		m=$(awk -v suite="$SUITE" 'BEGIN{RS=""; FS="\n"}
			{ uris=""; ok=0; deb=0
			  for (i=1;i<=NF;i++) {
			    if ($i ~ /^URIs:/)   { uris=$i; sub(/^URIs:[ \t]*/,"",uris) }
			    if ($i ~ /^Types:/ && $i ~ /(^|[ \t])deb([ \t]|$)/) deb=1
			    if ($i ~ /^Suites:/) { n=split($i,s,/[ \t]+/); for (j=2;j<=n;j++) if (s[j]==suite) ok=1 }
			  }
			  if (ok && deb && uris!="") { split(uris,u,/[ \t]+/); print u[1]; exit }
			}' "$f")
		[[ -n $m ]] && { echo "$m"; return; }
	done
	files=(/etc/apt/sources.list /etc/apt/sources.list.d/*.list)
	shopt -u nullglob
	for f in "${files[@]}"; do
		[[ -r $f ]] || continue
		m=$(awk -v suite="$SUITE" '$1=="deb" {
				i=2; if ($2 ~ /^\[/) { while (i<=NF && $i !~ /\]$/) i++; i++ }
				if ($(i+1)==suite) { print $i; exit } }' "$f")
		[[ -n $m ]] && { echo "$m"; return; }
	done
	die "no apt source for '$SUITE' found in /etc/apt; set FLEET_LAB_MIRROR=<debian mirror url>"
}

rootfs_id() { # changes when what debootstrap installs changes
	echo "$SUITE minbase $ROOTFS_INCLUDE" | sha256sum | cut -c1-12
}
rootfs_tarball() { echo "$CACHE/rootfs-$SUITE-$(rootfs_id).tar.zst"; }

# ensure_rootfs: the read-only lower layer at $ROOTFS, from the cached tarball,
# debootstrapping the tarball first if it is missing.
ensure_rootfs() {
	local tarball; tarball=$(rootfs_tarball)
	mkdir -p "$CACHE" "$STATE"
	if [[ ! -s $tarball ]]; then
		local mirror t=$EPOCHREALTIME build=$CACHE/rootfs.build
		mirror=$(apt_mirror)
		log "building $SUITE root fs with debootstrap from $mirror (about 70 s)"
		rm -rf "$build"
		debootstrap --variant=minbase --include="$ROOTFS_INCLUDE" "$SUITE" "$build" "$mirror" \
			>"$CACHE/debootstrap.log" 2>&1 ||
			die_log "$CACHE/debootstrap.log" "debootstrap failed"
		rm -f "$build"/var/cache/apt/archives/*.deb "$build"/var/lib/apt/lists/*_* 2>/dev/null || true
		log "debootstrap done in $(elapsed "$t")s; packing $(du -sh "$build" | cut -f1) into $tarball"
		tar -C "$build" --numeric-owner --xattrs --xattrs-include='*' -I 'zstd -T0 -3 -q' \
			-cf "$tarball.tmp" .
		mv "$tarball.tmp" "$tarball"
		log "root fs cached ($(du -h "$tarball" | cut -f1)) in $(elapsed "$t")s total"
		if [[ ${1:-} != busy ]]; then # the fresh tree is the lower layer: no unpack
			rm -rf "$ROOTFS"
			mv "$build" "$ROOTFS"
			echo "$tarball" >"$STATE/rootfs.stamp"
		fi
		rm -rf "$build"
	fi
	if [[ -d $ROOTFS && $(cat "$STATE/rootfs.stamp" 2>/dev/null) == "$tarball" ]]; then
		return 0
	fi
	if [[ ${1:-} == busy ]]; then
		log "WARNING: $ROOTFS is not from $tarball, but hosts are running on it; 'lab.sh down' to switch"
		return 0
	fi
	local t=$EPOCHREALTIME
	log "unpacking $tarball into $ROOTFS"
	rm -rf "$ROOTFS" "$ROOTFS.tmp"
	mkdir -p "$ROOTFS.tmp"
	tar -C "$ROOTFS.tmp" --numeric-owner --xattrs --xattrs-include='*' -I zstd -xf "$tarball"
	mv "$ROOTFS.tmp" "$ROOTFS"
	echo "$tarball" >"$STATE/rootfs.stamp"
	log "unpacked in $(elapsed "$t")s"
}

# ---------------------------------------------------------------- consul
consul_version() {
	awk '$1=="github.com/hashicorp/consul" {print $2; exit}' "$CONSUL_MOD/go.mod"
}

# consul_bin: prints the path of a Consul binary of the pinned version:
# FLEET_LAB_CONSUL if set, `consul` on PATH if it is that version, else the
# cached build (built from e2e/lab/consul when missing: 5-7 min cold, 3 GB).
consul_bin() {
	local ver bin gobin
	ver=$(consul_version)
	[[ -n $ver ]] || die "cannot read the Consul version from $CONSUL_MOD/go.mod"
	if [[ -n ${FLEET_LAB_CONSUL:-} ]]; then
		[[ -x $FLEET_LAB_CONSUL ]] || die "FLEET_LAB_CONSUL=$FLEET_LAB_CONSUL is not executable"
		echo "$FLEET_LAB_CONSUL"; return
	fi
	if bin=$(command -v consul 2>/dev/null) && [[ $("$bin" version 2>/dev/null | head -1) == "Consul $ver" ]]; then
		echo "$bin"; return
	fi
	bin=$CACHE/consul-$ver
	if [[ ! -x $bin ]]; then
		gobin=$(command -v go 2>/dev/null || echo /usr/local/go/bin/go)
		[[ -x $gobin ]] || die "Go is needed to build Consul $ver (not found on PATH or /usr/local/go)"
		local t=$EPOCHREALTIME
		log "building Consul $ver into $bin (5-7 min cold, ~3 GB RAM; cached afterwards)"
		mkdir -p "$CACHE"
		(cd "$CONSUL_MOD" && CGO_ENABLED=0 GONOSUMDB=github.com/hashicorp/consul \
			"$gobin" build -o "$bin.tmp" github.com/hashicorp/consul) >"$CACHE/consul-build.log" 2>&1 ||
			die_log "$CACHE/consul-build.log" "consul build failed"
		mv "$bin.tmp" "$bin"
		log "Consul $ver built in $(elapsed "$t")s"
	fi
	echo "$bin"
}

consul_server_up() { pid_alive "$SERVER_DIR/consul.pid" -node=lab-server; }

start_consul_server() {
	local bin=$1
	if consul_server_up; then
		pid_alive "$SERVER_DIR/consul.pid" "-dns-port=$CONSUL_DNS_PORT" ||
			die "the running consul server has no DNS on port $CONSUL_DNS_PORT (started by an older lab.sh): run 'lab.sh down' first"
		log "consul server already running (pid $(<"$SERVER_DIR/consul.pid"))"
		return 0
	fi
	assert_lab_net "$BRIDGE_ADDR"
	mkdir -p "$SERVER_DIR"
	local t=$EPOCHREALTIME
	# DNS on the bridge address only (-client), for HAProxy's discovery
	# (examples/haproxy/README.md explains dns_config); no -recursor: the lab
	# has no outside network.
	daemon "$bin" agent -dev -node=lab-server -bind="$BRIDGE_ADDR" -client="$BRIDGE_ADDR" \
		-dns-port="$CONSUL_DNS_PORT" -hcl="$CONSUL_DNS_CONFIG" \
		-grpc-port=-1 -grpc-tls-port=-1 -log-level=info \
		</dev/null >"$SERVER_DIR/consul.log" 2>&1 &
	await_exec $! -node=lab-server || die_log "$SERVER_DIR/consul.log" "consul server exited"
	echo $! >"$SERVER_DIR/consul.pid"
	local deadline=$((SECONDS + 30)) leader=
	while ((SECONDS < deadline)); do
		leader=$(curl --noproxy "*" -sf --max-time 2 "http://$BRIDGE_ADDR:$CONSUL_PORT/v1/status/leader" 2>/dev/null || true)
		[[ -n $leader && $leader != '""' ]] && break
		consul_server_up || die_log "$SERVER_DIR/consul.log" "consul server exited"
		sleep 0.2
	done
	[[ -n $leader && $leader != '""' ]] || die_log "$SERVER_DIR/consul.log" "consul server has no leader after 30 s"
	log "consul server up on http://$BRIDGE_ADDR:$CONSUL_PORT (leader $leader) in $(elapsed "$t")s"
}

# ---------------------------------------------------------------- load balancer (LB=1)
# HAProxy on the controller side of the bridge, run from the very file users
# copy (examples/haproxy/haproxy.cfg): it reads its addresses from the
# environment, which start_lb sets to the lab's (haproxy.env in $LB_DIR). It
# listens on the bridge address and a unix stats socket only.
lb_up() { pid_alive "$LB_DIR/haproxy.pid" "$LB_DIR/haproxy.cfg"; }

lb_env() {
	printf 'LB_BIND=%s\nCONSUL_DNS=%s\nLB_STATS_SOCKET=%s\n' \
		"$BRIDGE_ADDR:$LB_PORT" "$BRIDGE_ADDR:$CONSUL_DNS_PORT" "$LB_DIR/admin.sock"
}

# lb_listeners PID: the local addresses PID listens on (TCP and UDP)
lb_listeners() {
	ss -Hlnptu 2>/dev/null | awk -v p="pid=$1," 'index($0, p) {print $5}' | sort -u
}

start_lb() {
	if lb_up; then
		if cmp -s "$LB_EXAMPLE" "$LB_DIR/haproxy.cfg"; then
			log "haproxy already running (pid $(<"$LB_DIR/haproxy.pid"))"
			write_lb_files
			return 0
		fi
		log "$LB_EXAMPLE changed since haproxy started: restarting it"
		stop_lb
	fi
	command -v haproxy >/dev/null || die "haproxy is not installed (the lab's package list has it: lab.sh up installs it)"
	[[ -r $LB_EXAMPLE ]] || die "missing $LB_EXAMPLE"
	consul_server_up || die "haproxy needs the consul server"
	assert_lab_net "$BRIDGE_ADDR"
	rm -rf "$LB_DIR"
	mkdir -p "$LB_DIR"
	chmod 700 "$LB_DIR"
	install -m 644 "$LB_EXAMPLE" "$LB_DIR/haproxy.cfg"
	lb_env >"$LB_DIR/haproxy.env"
	local envs=() t=$EPOCHREALTIME pid l bad=()
	mapfile -t envs <"$LB_DIR/haproxy.env"
	env "${envs[@]}" haproxy -c -q -f "$LB_DIR/haproxy.cfg" >"$LB_DIR/haproxy.log" 2>&1 ||
		die_log "$LB_DIR/haproxy.log" "haproxy refuses $LB_EXAMPLE"
	# -db: stay in the foreground (logs to haproxy.log, pid is ours)
	daemon env "${envs[@]}" haproxy -db -f "$LB_DIR/haproxy.cfg" </dev/null >>"$LB_DIR/haproxy.log" 2>&1 &
	pid=$!
	await_exec "$pid" "$LB_DIR/haproxy.cfg" || die_log "$LB_DIR/haproxy.log" "haproxy exited"
	echo "$pid" >"$LB_DIR/haproxy.pid"
	local deadline=$((SECONDS + 10))
	until [[ -S $LB_DIR/admin.sock ]] && lb_listeners "$pid" | grep -qx "$BRIDGE_ADDR:$LB_PORT"; do
		lb_up || die_log "$LB_DIR/haproxy.log" "haproxy exited"
		((SECONDS < deadline)) || die_log "$LB_DIR/haproxy.log" "haproxy not listening on $BRIDGE_ADDR:$LB_PORT after 10 s"
		sleep 0.1
	done
	# never anything but the bridge address or loopback
	while read -r l; do
		[[ $l == "$BRIDGE_ADDR":* || $l == 127.* ]] || bad+=("$l")
	done < <(lb_listeners "$pid")
	if ((${#bad[@]} > 0)); then
		stop_lb
		die "haproxy listened on ${bad[*]}: only $BRIDGE_ADDR or loopback is allowed"
	fi
	write_lb_files
	log "haproxy up on http://$BRIDGE_ADDR:$LB_PORT (pid $pid, Consul DNS $BRIDGE_ADDR:$CONSUL_DNS_PORT) in $(elapsed "$t")s"
}

write_lb_files() {
	echo "http://$BRIDGE_ADDR:$LB_PORT" >"$LAB_DIR/lb-addr"
	echo "$LB_DIR/admin.sock" >"$LAB_DIR/lb-socket"
	if [[ -f $LAB_DIR/env ]] && ! grep -q '^export FLEET_LAB_LB=' "$LAB_DIR/env"; then
		printf '# the load balancer (LB=1): HAProxy following hello through Consul DNS\nexport FLEET_LAB_LB=http://%s:%s\n' \
			"$BRIDGE_ADDR" "$LB_PORT" >>"$LAB_DIR/env"
	fi
}

# stop_pid: SIGTERM, up to 5 s to exit, then SIGKILL. Succeeds when the
# process is gone (callers run under set -e).
stop_pid() {
	local pid=$1
	kill -TERM "$pid" 2>/dev/null
	for _ in $(seq 100); do pid_exited "$pid" && return 0; sleep 0.05; done
	kill -KILL "$pid" 2>/dev/null
	return 0
}

# pid_exited PID: PID is gone or a zombie. Processes this script started
# outlive it and are reaped by PID 1, which may take a second: a zombie has
# exited already.
pid_exited() {
	local stat
	stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 0
	[[ ${stat##*) } == Z* ]]
}

stop_lb() {
	if lb_up; then
		stop_pid "$(<"$LB_DIR/haproxy.pid")"
		log "haproxy stopped"
	fi
	rm -rf "$LB_DIR"
	rm -f "$LAB_DIR/lb-addr" "$LAB_DIR/lb-socket"
}

# lb_servers: one line per hello server HAProxy has from Consul DNS:
# name, address:port, status (UP, DOWN, MAINT…)
lb_servers() {
	[[ -S $LB_DIR/admin.sock ]] || return 0
	echo "show stat" | socat -t 2 stdio "unix-connect:$LB_DIR/admin.sock" 2>/dev/null |
		awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
			$1 == "hello" && $2 != "FRONTEND" && $2 != "BACKEND" && $col["addr"] != "" {
				printf "  %s\t%s\t%s\n", $2, $col["addr"], $col["status"] }'
}

# ---------------------------------------------------------------- Prometheus (PROM=1, on with LB=1)
# Prometheus on the controller side of the bridge, scraping every instance of
# hello that Consul knows, with the relabelling of the very file users copy
# (examples/prometheus/prometheus.yml). Debian bookworm's prometheus 2.42 is
# built without Consul service discovery (its changelog: "Disable Consul SD
# until its Debian package is back in shape"; consul_sd_configs is refused),
# so the lab swaps that file's consul_sd_configs block for file_sd_configs
# fed by prom_sd: a loop that follows Consul with blocking queries and
# writes the instances with the labels consul_sd would give them
# (__meta_consul_*), so the example's relabel_configs apply unchanged.
prom_up() { pid_alive "$PROM_DIR/prometheus.pid" "$PROM_DIR/prometheus.yml"; }
prom_sd_up() { pid_alive "$PROM_DIR/sd.pid" _prom-sd; }

# prom_listening: what listens on TCP port $PROM_PORT, any address, any process
prom_listening() { ss -Hltn "sport = :$PROM_PORT" 2>/dev/null | awk '{print $4}'; }

# prom_config: the lab's prometheus.yml on stdout: the example with its
# consul_sd_configs block (that line and the deeper-indented lines below it)
# replaced by file_sd_configs reading what prom_sd writes.
prom_config() {
	printf '# Written by e2e/lab/lab.sh from %s: consul_sd_configs\n# replaced by the files prom_sd keeps (Debian bookworm has no Consul SD).\n' "$PROM_EXAMPLE"
	awk -v files="$PROM_DIR/targets/*.json" '
		skip && (/^[[:space:]]*$/ || match($0, /^ */) && RLENGTH > indent) { next }
		{ skip = 0 }
		/^ *consul_sd_configs:/ {
			match($0, /^ */); indent = RLENGTH; pad = substr($0, 1, indent)
			print pad "file_sd_configs:"
			print pad "  - files: [\"" files "\"]"
			print pad "    refresh_interval: 1m  # a fallback: changes are read at once (inotify)"
			skip = 1; swapped++; next
		}
		{ print }
		END { if (swapped != 1) exit 1 }' "$PROM_EXAMPLE"
}

# _prom-sd: (internal) keeps $PROM_DIR/targets/$PROM_SERVICE.json equal to
# Consul's list of $PROM_SERVICE instances (all of them, passing or not, as
# consul_sd_configs does), in Prometheus' file_sd format with consul_sd's
# labels. Blocking queries: a change is written within milliseconds.
run_prom_sd() {
	local out=$PROM_DIR/targets/$PROM_SERVICE.json idx=0 new child=
	local body=$PROM_DIR/sd.body hdrs=$PROM_DIR/sd.headers
	trap '[[ -n $child ]] && kill "$child" 2>/dev/null; exit 0' TERM INT
	while :; do
		assert_lab_net "$BRIDGE_ADDR"
		# in the background, so that the trap runs at once on SIGTERM
		curl --noproxy "*" -sf --max-time 20 -D "$hdrs" -o "$body" \
			"http://$BRIDGE_ADDR:$CONSUL_PORT/v1/health/service/$PROM_SERVICE?index=$idx&wait=10s" &
		child=$!
		if ! wait "$child"; then
			child=
			sleep 1
			continue
		fi
		child=
		new=$(awk 'tolower($1) == "x-consul-index:" {gsub(/\r/, "", $2); print $2}' "$hdrs")
		[[ $new =~ ^[0-9]+$ ]] || new=0
		# a lower index (Consul restarted) starts over, as its docs say
		((new >= idx)) || new=0
		if [[ $new == "$idx" && -s $out ]]; then continue; fi
		idx=$new
		jq '[.[] | {
			targets: [((.Service.Address | select(. != "")) // .Node.Address) + ":" + (.Service.Port | tostring)],
			labels: ({
				__meta_consul_node: .Node.Node,
				__meta_consul_address: .Node.Address,
				__meta_consul_dc: .Node.Datacenter,
				__meta_consul_service: .Service.Service,
				__meta_consul_service_id: .Service.ID,
				__meta_consul_service_address: .Service.Address,
				__meta_consul_service_port: (.Service.Port | tostring),
				__meta_consul_tags: ("," + ((.Service.Tags // []) | join(",")) + ","),
				__meta_consul_health: ([.Checks[].Status] |
					if any(. == "critical") then "critical" elif any(. == "warning") then "warning" else "passing" end)
			} + ((.Service.Meta // {}) | with_entries(.key |= "__meta_consul_service_metadata_" + gsub("[^a-zA-Z0-9_]"; "_"))))
		}]' "$body" >"$out.tmp" && mv "$out.tmp" "$out"
	done
}

start_prom() {
	local cfg
	cfg=$(prom_config) || die "cannot swap consul_sd_configs in $PROM_EXAMPLE for the lab's file_sd_configs"
	if prom_up; then
		if [[ $cfg == "$(<"$PROM_DIR/prometheus.yml")" ]] && prom_sd_up; then
			log "prometheus already running (pid $(<"$PROM_DIR/prometheus.pid"))"
			write_prom_files
			return 0
		fi
		log "$PROM_EXAMPLE changed since prometheus started (or its discovery died): restarting it"
		stop_prom
	fi
	command -v prometheus >/dev/null || die "prometheus is not installed (the lab's package list has it: lab.sh up installs it)"
	consul_server_up || die "prometheus needs the consul server"
	assert_lab_net "$BRIDGE_ADDR"
	local other
	other=$(prom_listening)
	[[ -z $other ]] || die "something already listens on port $PROM_PORT ($(tr '\n' ' ' <<<"$other")): the Debian package's prometheus? (systemctl status prometheus)"
	local t=$EPOCHREALTIME pid l bad=()
	stop_prom_sd
	rm -rf "$PROM_DIR"
	mkdir -p "$PROM_DIR/targets" "$PROM_DIR/data"
	chmod 755 "$PROM_DIR" "$PROM_DIR/targets"
	printf '%s\n' "$cfg" >"$PROM_DIR/prometheus.yml"
	chmod 644 "$PROM_DIR/prometheus.yml"
	promtool check config "$PROM_DIR/prometheus.yml" >"$PROM_DIR/prometheus.log" 2>&1 ||
		die_log "$PROM_DIR/prometheus.log" "prometheus refuses the config made from $PROM_EXAMPLE"

	# discovery first, so that the first scrape already has the targets
	daemon bash "$SELF" _prom-sd </dev/null >"$PROM_DIR/sd.log" 2>&1 &
	pid=$!
	await_exec "$pid" _prom-sd || die_log "$PROM_DIR/sd.log" "prom_sd exited"
	echo "$pid" >"$PROM_DIR/sd.pid"
	local deadline=$((SECONDS + 10))
	until [[ -e $PROM_DIR/targets/$PROM_SERVICE.json ]]; do
		prom_sd_up || die_log "$PROM_DIR/sd.log" "prom_sd exited"
		((SECONDS < deadline)) || die_log "$PROM_DIR/sd.log" "prom_sd wrote no targets after 10 s"
		sleep 0.05
	done

	# As the package's user when there is one (it owns nothing but the data
	# directory). Storage and config under $PROM_DIR, gone with lab.sh down.
	local run_as=()
	if id prometheus >/dev/null 2>&1; then
		chown prometheus: "$PROM_DIR/data"
		run_as=(setpriv --reuid=prometheus --regid=prometheus --init-groups)
	fi
	daemon "${run_as[@]}" prometheus --config.file="$PROM_DIR/prometheus.yml" \
		--storage.tsdb.path="$PROM_DIR/data" --storage.tsdb.retention.time="$PROM_RETENTION" \
		--web.listen-address="$BRIDGE_ADDR:$PROM_PORT" --log.level=warn \
		</dev/null >>"$PROM_DIR/prometheus.log" 2>&1 &
	pid=$!
	await_exec "$pid" "$PROM_DIR/prometheus.yml" || die_log "$PROM_DIR/prometheus.log" "prometheus exited"
	echo "$pid" >"$PROM_DIR/prometheus.pid"
	deadline=$((SECONDS + 20))
	until curl --noproxy "*" -sf --max-time 1 -o /dev/null "http://$BRIDGE_ADDR:$PROM_PORT/-/ready"; do
		prom_up || die_log "$PROM_DIR/prometheus.log" "prometheus exited"
		((SECONDS < deadline)) || die_log "$PROM_DIR/prometheus.log" "prometheus not ready on $BRIDGE_ADDR:$PROM_PORT after 20 s"
		sleep 0.05
	done
	# never anything but the bridge address or loopback
	while read -r l; do
		[[ $l == "$BRIDGE_ADDR":* || $l == 127.* ]] || bad+=("$l")
	done < <(lb_listeners "$pid")
	if ((${#bad[@]} > 0)); then
		stop_prom
		die "prometheus listened on ${bad[*]}: only $BRIDGE_ADDR or loopback is allowed"
	fi
	write_prom_files
	log "prometheus up on http://$BRIDGE_ADDR:$PROM_PORT (pid $pid, scraping $PROM_SERVICE from Consul) in $(elapsed "$t")s"
}

write_prom_files() {
	echo "http://$BRIDGE_ADDR:$PROM_PORT" >"$LAB_DIR/prometheus-addr"
	if [[ -f $LAB_DIR/env ]] && ! grep -q '^export FLEET_LAB_PROMETHEUS=' "$LAB_DIR/env"; then
		printf '# Prometheus (LB=1 or PROM=1): scrapes hello, labelled by the version in Consul\nexport FLEET_LAB_PROMETHEUS=http://%s:%s\n' \
			"$BRIDGE_ADDR" "$PROM_PORT" >>"$LAB_DIR/env"
	fi
}

stop_prom_sd() {
	if prom_sd_up; then
		stop_pid "$(<"$PROM_DIR/sd.pid")"
	fi
}

stop_prom() {
	local stopped=
	if prom_up; then
		stop_pid "$(<"$PROM_DIR/prometheus.pid")"
		stopped=1
	fi
	if prom_sd_up; then
		stop_prom_sd
		stopped=1
	fi
	[[ -z $stopped ]] || log "prometheus stopped"
	rm -rf "$PROM_DIR"
	rm -f "$LAB_DIR/prometheus-addr"
}

# prom_targets: one line per target Prometheus has: health, version, host, instance
prom_targets() {
	ip -o link show dev "$BRIDGE" >/dev/null 2>&1 || return 0
	assert_lab_net "$BRIDGE_ADDR"
	curl --noproxy "*" -sf --max-time 2 "http://$BRIDGE_ADDR:$PROM_PORT/api/v1/targets?state=active" 2>/dev/null |
		jq -r '.data.activeTargets[] | "  \(.health)\t\(.labels.version // "-")\t\(.labels.host // "-")\t\(.labels.instance)"' | sort -V
}

# ---------------------------------------------------------------- lab key + image layer
ensure_key() {
	mkdir -p "$LAB_DIR"
	chmod 700 "$LAB_DIR"
	if [[ ! -s $LAB_DIR/id_ed25519 ]]; then
		ssh-keygen -q -t ed25519 -N '' -C fleet-lab -f "$LAB_DIR/id_ed25519"
		log "generated lab key $LAB_DIR/id_ed25519"
	fi
}

# build_layer: the per-lab image-prep layer, an overlay lower layer above the
# pristine root fs. Rebuilt on every fresh `up` (milliseconds), so the key,
# sshd settings and units never force a debootstrap.
build_layer() {
	local l=$LAYER.tmp f u
	rm -rf "$l"
	mkdir -p "$l"/root/.ssh "$l"/etc/ssh/sshd_config.d "$l"/etc/systemd/system/ssh.service.d \
		"$l"/etc/systemd/system/multi-user.target.wants "$l"/etc/fleet-lab
	chmod 700 "$l"/root/.ssh
	install -m 600 "$LAB_DIR/id_ed25519.pub" "$l"/root/.ssh/authorized_keys

	cat >"$l"/etc/ssh/sshd_config.d/fleet-lab.conf <<-'EOF'
		# fleet lab: key-only root logins, no DNS, many parallel sessions.
		PermitRootLogin prohibit-password
		PasswordAuthentication no
		KbdInteractiveAuthentication no
		UseDNS no
		MaxStartups 100:30:200
		MaxSessions 50
		HostKey /etc/ssh/ssh_host_ed25519_key
		HostKey /etc/ssh/ssh_host_ecdsa_key
	EOF

	# Empty machine-id: systemd takes the per-host id nspawn passes (--uuid).
	# debootstrap's dbus also left an id in /var/lib/dbus/machine-id, which
	# systemd would prefer ("Initializing machine ID from D-Bus machine ID"),
	# giving every host the same id: white it out too.
	: >"$l"/etc/machine-id
	chmod 444 "$l"/etc/machine-id
	if [[ -e $ROOTFS/var/lib/dbus/machine-id || -L $ROOTFS/var/lib/dbus/machine-id ]]; then
		mkdir -p "$l"/var/lib/dbus
		mknod "$l"/var/lib/dbus/machine-id c 0 0
	fi

	for u in "${MASKED_UNITS[@]}"; do ln -s /dev/null "$l/etc/systemd/system/$u"; done

	add_deploy_user "$l"

	# No shared host keys: white them out of the image (overlay whiteout =
	# char device 0:0); each host generates its own before sshd starts.
	for f in "$ROOTFS"/etc/ssh/ssh_host_*; do
		[[ -e $f ]] && mknod "$l/etc/ssh/${f##*/}" c 0 0
	done
	cat >"$l"/etc/systemd/system/fleet-lab-hostkeys.service <<-'EOF'
		[Unit]
		Description=Generate this host's own SSH host keys
		Before=ssh.service
		ConditionPathExists=!/etc/ssh/ssh_host_ed25519_key

		# ed25519 and ecdsa only: an RSA-3072 key costs ~1.5 s of CPU per
		# host at first boot. Two types keep the handshake's key-type
		# negotiation real (known_hosts records ed25519 only).
		[Service]
		Type=oneshot
		ExecStart=/usr/bin/ssh-keygen -q -t ed25519 -N "" -f /etc/ssh/ssh_host_ed25519_key
		ExecStart=/usr/bin/ssh-keygen -q -t ecdsa -N "" -f /etc/ssh/ssh_host_ecdsa_key
		RemainAfterExit=yes
	EOF
	cat >"$l"/etc/systemd/system/ssh.service.d/fleet-lab.conf <<-'EOF'
		[Unit]
		Wants=fleet-lab-hostkeys.service
		After=fleet-lab-hostkeys.service
	EOF

	# Consul client agent. The binary is bind-mounted read-only from the
	# controller; per-host values come from /etc/fleet-lab/host.env, which
	# is seeded into each host's upper layer.
	cat >"$l"/etc/systemd/system/consul.service <<-'EOF'
		[Unit]
		Description=Consul client agent (fleet lab)
		After=network.target
		ConditionFileIsExecutable=/usr/local/bin/consul

		[Service]
		EnvironmentFile=/etc/fleet-lab/host.env
		ExecStart=/usr/local/bin/consul agent -node=%H -bind=${LAB_ADDR} -retry-join=${LAB_CONSUL_SERVER} \
		  -client=127.0.0.1 -disable-host-node-id -data-dir=/var/lib/consul \
		  -dns-port=-1 -grpc-port=-1 -grpc-tls-port=-1 -log-level=info
		ExecReload=/bin/kill -HUP $MAINPID
		StateDirectory=consul
		KillSignal=SIGINT
		Restart=on-failure
		RestartSec=1

		[Install]
		WantedBy=multi-user.target
	EOF
	ln -s ../consul.service "$l"/etc/systemd/system/multi-user.target.wants/consul.service

	rm -rf "$LAYER"
	mv "$l" "$LAYER"
}

# add_deploy_user LAYER: a non-root SSH user, deploy (uid/gid 1000), with the
# lab key and the one sudo rule fleet needs when an inventory says
# `ssh: {user: deploy, sudo: true}`: running its own verified agent as root.
# The account has no password ('*'), so the key is the only way in.
add_deploy_user() {
	local l=$1 f
	for f in passwd group shadow gshadow; do
		cp -p "$ROOTFS/etc/$f" "$l/etc/$f"
	done
	echo "$DEPLOY_USER:x:1000:1000:fleet lab deploy user:/home/$DEPLOY_USER:/bin/bash" >>"$l/etc/passwd"
	echo "$DEPLOY_USER:x:1000:" >>"$l/etc/group"
	echo "$DEPLOY_USER:*:20000:0:99999:7:::" >>"$l/etc/shadow"
	echo "$DEPLOY_USER:!::" >>"$l/etc/gshadow"
	install -d -m 755 -o 1000 -g 1000 "$l/home/$DEPLOY_USER"
	install -d -m 700 -o 1000 -g 1000 "$l/home/$DEPLOY_USER/.ssh"
	install -m 600 -o 1000 -g 1000 "$LAB_DIR/id_ed25519.pub" "$l/home/$DEPLOY_USER/.ssh/authorized_keys"
	# What README's "Non-root SSH user" section recommends: the agent
	# fleet installs (by checksum, under the user's home) and nothing else.
	install -d -m 755 "$l/etc/sudoers.d"
	printf '%s ALL=(root) NOPASSWD: /home/%s/.fleet/bin/fleet-* agent serve\n' \
		"$DEPLOY_USER" "$DEPLOY_USER" >"$l/etc/sudoers.d/fleet"
	chmod 440 "$l/etc/sudoers.d/fleet"
}

# daemon CMD...: (run with &) CMD in a session of its own, holding no file
# descriptor of its starter but stdio. A lab daemon outlives whoever started
# it — a test run under `flock LOCK`, whose lock fd every child inherits —
# and must not hold that lock for the rest of the lab's life.
daemon() {
	local fd
	for fd in /proc/"$BASHPID"/fd/*; do
		fd=${fd##*/}
		if ((fd > 2)); then eval "exec $fd>&-"; fi
	done
	exec setsid "$@"
}

# ---------------------------------------------------------------- bridge + hosts
ensure_bridge() {
	if ! ip -o link show dev "$BRIDGE" >/dev/null 2>&1; then
		# never shadow a network this machine already uses
		if (($(ip -o -4 route show | grep -v "dev $BRIDGE" | grep -c "^$NET_PREFIX\.") > 0)); then
			die "$NET_PREFIX.0/24 is already routed on this machine; refusing to create $BRIDGE"
		fi
		ip link add "$BRIDGE" type bridge
		ip addr add "$BRIDGE_ADDR/24" dev "$BRIDGE"
		ip link set "$BRIDGE" up
		log "created bridge $BRIDGE $BRIDGE_ADDR/24"
	fi
	assert_lab_net
}

ensure_cgroup_root() {
	local c
	for c in /sys/fs/cgroup/systemd /sys/fs/cgroup/unified; do
		[[ -d $c ]] && mkdir -p "$c/$CGROUP_NAME"
	done
	return 0
}

# cleanup_host I: remove whatever a dead host left (mount, netns, veth)
cleanup_host() {
	local i=$1 h ns veth
	h=$(host_dir "$i"); ns=$(host_ns "$i"); veth=$(host_veth "$i")
	if mountpoint -q "$h/root" 2>/dev/null; then
		# nspawn's lock file for this root; a SIGKILLed nspawn leaves it
		rm -f "/run/systemd/nspawn/locks/inode-$(stat -c '%d:%i' "$h/root" 2>/dev/null)"
		umount "$h/root" 2>/dev/null || umount -l "$h/root" || log "WARNING: cannot unmount $h/root"
	fi
	# deleting the netns destroys the veth pair asynchronously: both may race
	if [[ -e /run/netns/$ns ]]; then ip netns del "$ns" 2>/dev/null || true; fi
	if ip link show "$veth" >/dev/null 2>&1; then ip link del "$veth" 2>/dev/null || true; fi
	return 0
}

# start_host I: netns + veth, overlay root, then the nspawn restart loop
start_host() {
	local i=$1 name addr ns veth h consul=$2
	name=$(host_name "$i"); addr=$(host_addr "$i"); ns=$(host_ns "$i"); veth=$(host_veth "$i")
	h=$(host_dir "$i")
	cleanup_host "$i"
	mkdir -p "$h/upper" "$h/work" "$h/root"
	rm -f "$h/stop"
	# a stable per-host id: becomes /etc/machine-id, survives reboots
	[[ -s $h/uuid ]] || tr -d '-' </proc/sys/kernel/random/uuid >"$h/uuid"

	ip netns add "$ns"
	ip link add "$veth" type veth peer name eth0 netns "$ns"
	ip link set "$veth" master "$BRIDGE" up
	ip -n "$ns" link set lo up
	ip -n "$ns" addr add "$addr/24" dev eth0
	ip -n "$ns" link set eth0 up

	# per-host files, seeded into the host's own (writable) upper layer
	mkdir -p "$h/upper/etc/fleet-lab"
	echo "$name" >"$h/upper/etc/hostname"
	{
		printf '127.0.0.1\tlocalhost\n127.0.1.1\t%s\n::1\tlocalhost ip6-localhost ip6-loopback\n' "$name"
		printf '%s\tlab-server\n' "$BRIDGE_ADDR"
	} >"$h/upper/etc/hosts"
	printf 'LAB_ADDR=%s\nLAB_CONSUL_SERVER=%s\n' "$addr" "$BRIDGE_ADDR" >"$h/upper/etc/fleet-lab/host.env"

	mount -t overlay "overlay-fleet-lab-$name" \
		-o "lowerdir=$LAYER:$ROOTFS,upperdir=$h/upper,workdir=$h/work" "$h/root"

	ensure_cgroup_root
	daemon bash "$SELF" _run-host "$i" "$consul" </dev/null >>"$h/console.log" 2>&1 &
	await_exec $! _run-host || die_log "$h/console.log" "$name: its launcher exited"
	echo $! >"$h/launcher.pid"
}

# _run-host I CONSUL: (internal) the per-host launcher. Joins its own cgroup
# subtree, runs nspawn, and starts it again when it exits with 133 (an
# in-container reboot). Any other exit ends the loop.
run_host() {
	local i=$1 consul=$2 name h c pid rc
	name=$(host_name "$i"); h=$(host_dir "$i")
	for c in /sys/fs/cgroup/systemd /sys/fs/cgroup/unified; do
		[[ -d $c ]] || continue
		mkdir -p "$c/$CGROUP_NAME/$name"
		echo $BASHPID >"$c/$CGROUP_NAME/$name/cgroup.procs"
	done
	pid=
	trap 'touch "$h/stop"; [[ -n $pid ]] && kill -TERM "$pid" 2>/dev/null' TERM INT
	while :; do
		echo "=== $(date -Is) starting $name"
		SYSTEMD_NSPAWN_UNIFIED_HIERARCHY=1 systemd-nspawn --quiet --boot \
			--directory="$h/root" --machine="$name" --hostname="$name" \
			--network-namespace-path="/run/netns/$(host_ns "$i")" \
			--uuid="$(<"$h/uuid")" --register=no --keep-unit --console=read-only \
			--resolv-conf=off --timezone=off --link-journal=no \
			--bind-ro="$consul:/usr/local/bin/consul" &
		pid=$!
		await_exec "$pid" systemd-nspawn || true # an early exit: wait reports it
		echo "$pid" >"$h/nspawn.pid"
		rc=0
		while :; do
			wait "$pid" && rc=0 || rc=$?
			# a trapped signal interrupts wait with >128; wait again for nspawn
			kill -0 "$pid" 2>/dev/null || break
		done
		echo "=== $(date -Is) nspawn exited $rc"
		[[ -e $h/stop ]] && break
		[[ $rc -eq 133 ]] || break
		echo "=== reboot requested, starting again"
	done
	rm -f "$h/nspawn.pid"
}

# ---------------------------------------------------------------- lab files
write_lab_files() {
	local n=$1 i addr
	: >"$LAB_DIR/hosts.tmp"
	: >"$LAB_DIR/ssh_config.tmp"
	for ((i = 1; i <= n; i++)); do
		addr=$(host_addr "$i")
		echo "$addr" >>"$LAB_DIR/hosts.tmp"
		cat >>"$LAB_DIR/ssh_config.tmp" <<-EOF
			Host $(host_name "$i")
			  HostName $addr
			  User root
			  IdentityFile $LAB_DIR/id_ed25519
			  IdentitiesOnly yes
			  UserKnownHostsFile $LAB_DIR/known_hosts
			  StrictHostKeyChecking yes
			  BatchMode yes
			  ConnectTimeout 5

		EOF
	done
	mv "$LAB_DIR/hosts.tmp" "$LAB_DIR/hosts"
	mv "$LAB_DIR/ssh_config.tmp" "$LAB_DIR/ssh_config"
	write_inventory "$n"
	echo "http://$BRIDGE_ADDR:$CONSUL_PORT" >"$LAB_DIR/consul-addr"
	cat >"$LAB_DIR/env" <<-EOF
		# fleet lab: source this file. Written by e2e/lab/lab.sh up.
		export FLEET_LAB_DIR=$LAB_DIR
		export FLEET_LAB_HOSTS="$(tr '\n' ' ' <"$LAB_DIR/hosts" | sed 's/ $//')"
		export FLEET_LAB_SSH_CONFIG=$LAB_DIR/ssh_config
		export FLEET_LAB_KEY=$LAB_DIR/id_ed25519
		export FLEET_LAB_KNOWN_HOSTS=$LAB_DIR/known_hosts
		export CONSUL_HTTP_ADDR=http://$BRIDGE_ADDR:$CONSUL_PORT
		# fleet's -i flag reads FLEET_INVENTORY: 'fleet status' then targets the lab
		export FLEET_INVENTORY=$LAB_DIR/inventory.yaml
	EOF
}

# write_inventory N: .lab/inventory.yaml, a fleet inventory for the hello
# example on the lab (README "Using fleet", e2e/demo.sh). min_healthy_time is
# above 3 s so that a `broken=flap` build (healthy for 3 s, then exits) fails
# the health gate. hello is registered in each host's Consul agent, so the
# lab's HAProxy (LB=1) follows every rollout; drain 3 s: HAProxy needs at
# most 2 s to follow Consul, plus hello's requests (examples/haproxy).
write_inventory() {
	local n=$1 i
	{
		cat <<-EOF
			# fleet inventory for the hello example on the lab. Written by e2e/lab/lab.sh up.
			app:
			  name: hello
			  binary: hello
			  root: /opt/hello
			  units: [hello.service]
			  keep: 3
			  health:
			    min_healthy_time: 5s
			    healthy_deadline: 30s
			    interval: 250ms
			    checks:
			      - http: {url: "http://127.0.0.1:8080/healthz", status: 200}
			  consul:
			    service: hello
			    port: 8080
			    drain: 3s
			    lb_refresh: 2s
			    gate: true
			    checks:
			      - http: "http://127.0.0.1:8080/healthz"
			        interval: 1s
			        timeout: 1s
			ssh:
			  user: root
			  identity_files: [$LAB_DIR/id_ed25519]
			  known_hosts: $LAB_DIR/known_hosts
			  host_key_check: strict
			  config: none
			strategy:
			  max_unavailable: 1
			  max_failures: 0
			  auto_rollback: true
			groups:
			  - name: lab
			    hosts:
		EOF
		for ((i = 1; i <= n; i++)); do
			printf '      - {name: %s, address: %s}\n' "$(host_name "$i")" "$(host_addr "$i")"
		done
	} >"$LAB_DIR/inventory.yaml.tmp"
	mv "$LAB_DIR/inventory.yaml.tmp" "$LAB_DIR/inventory.yaml"
}

# collect_host_keys N: each host's own key via ssh-keyscan, into known_hosts
collect_host_keys() {
	local n=$1 deadline=$2 i addr out
	: >"$LAB_DIR/known_hosts.tmp"
	for ((i = 1; i <= n; i++)); do
		addr=$(host_addr "$i")
		assert_lab_net "$addr"
		while :; do
			out=$(ssh-keyscan -T 2 -t "$KEY_TYPES" "$addr" 2>/dev/null || true)
			[[ -n $out ]] && break
			((SECONDS < deadline)) || die_log "$(host_dir "$i")/console.log" "$(host_name "$i") ($addr): no ssh host key after ${BOOT_TIMEOUT}s"
			host_running "$i" || die_log "$(host_dir "$i")/console.log" "$(host_name "$i") died while booting"
			sleep 0.2
		done
		# The key must be the one this host generated into its own upper
		# layer: proves it is the host's own key, not a shared or foreign one.
		local want got
		want=$(awk '{print $1, $2}' "$(host_dir "$i")/upper/etc/ssh/ssh_host_${KEY_TYPES%%,*}_key.pub" 2>/dev/null || true)
		got=$(awk '{print $2, $3}' <<<"$out" | head -1)
		[[ -n $want && $want == "$got" ]] ||
			die "$(host_name "$i") ($addr): scanned host key does not match the key in its own layer"
		# recorded as ssh-keyscan prints it, under the address (ssh_config's
		# HostName; fleet's inventory uses the address too)
		printf '%s\n' "$out" >>"$LAB_DIR/known_hosts.tmp"
	done
	mv "$LAB_DIR/known_hosts.tmp" "$LAB_DIR/known_hosts"
}

lab_ssh() { # lab_ssh I CMD...: strict host keys, lab key, after the net guard
	local i=$1; shift
	assert_lab_net "$(host_addr "$i")"
	ssh -F "$LAB_DIR/ssh_config" "$(host_name "$i")" "$@"
}

# wait_running N DEADLINE: every host reports `running`
wait_running() {
	local n=$1 deadline=$2 i state
	for ((i = 1; i <= n; i++)); do
		while :; do
			assert_lab_net "$(host_addr "$i")"
			state=$(timeout 30 ssh -F "$LAB_DIR/ssh_config" "$(host_name "$i")" \
				systemctl is-system-running --wait 2>/dev/null || true)
			case $state in
			running) break ;;
			degraded)
				log "$(host_name "$i") is degraded; failed units:"
				lab_ssh "$i" systemctl --failed --no-legend --plain >&2 || true
				die "$(host_name "$i") is degraded (failed units above)" ;;
			esac
			((SECONDS < deadline)) || die "$(host_name "$i"): system state '${state:-no answer}' after ${BOOT_TIMEOUT}s"
			host_running "$i" || die_log "$(host_dir "$i")/console.log" "$(host_name "$i") died while booting"
			sleep 0.2
		done
	done
}

# members_alive N: prints names of lab hosts that the server sees alive
consul_alive_members() {
	assert_lab_net "$BRIDGE_ADDR"
	curl --noproxy "*" -sf --max-time 3 "http://$BRIDGE_ADDR:$CONSUL_PORT/v1/agent/members" |
		jq -r '.[] | select(.Status == 1) | .Name'
}

wait_consul_members() {
	local n=$1 deadline=$2 i alive missing
	while :; do
		alive=$(consul_alive_members || true)
		missing=()
		for ((i = 1; i <= n; i++)); do
			grep -qx "$(host_name "$i")" <<<"$alive" || missing+=("$(host_name "$i")")
		done
		((${#missing[@]} == 0)) && return 0
		((SECONDS < deadline)) || die "consul agents not alive members after ${BOOT_TIMEOUT}s: ${missing[*]} (check: lab.sh status; journalctl -u consul on the host)"
		sleep 0.3
	done
}

# check_hosts N: every host reaches its neighbour's sshd, has no default
# route (so nothing outside the bridge), and its own machine id
check_hosts() {
	local n=$1 i j ids=() id
	for ((i = 1; i <= n; i++)); do
		j=$((i % n + 1))
		id=$(lab_ssh "$i" "timeout 3 bash -c '</dev/tcp/$(host_addr "$j")/22' && ! ip route | grep -q default && cat /etc/machine-id") ||
			die "$(host_name "$i") cannot reach $(host_name "$j") (or has a default route)"
		ids+=("$id")
	done
	if [[ $(printf '%s\n' "${ids[@]}" | sort -u | wc -l) -ne $n ]]; then
		die "hosts share a machine id: ${ids[*]}"
	fi
}

# ---------------------------------------------------------------- commands
cmd_up() {
	local n=${1:-3} i running=() dead=() consul t deadline
	if ! [[ $n =~ ^[0-9]+$ ]] || ((n < 1 || n > MAX_HOSTS)); then
		die "usage: lab.sh up [N]  (1..$MAX_HOSTS)"
	fi
	need_root
	for i in $(lab_host_indexes); do
		if host_running "$i"; then running+=("$i"); else dead+=("$i"); fi
	done
	local maxrun=0
	for i in "${running[@]}"; do ((i > maxrun)) && maxrun=$i; done
	((maxrun <= n)) || die "lab has hosts up to lab$maxrun running; run 'lab.sh down' first or 'lab.sh up $maxrun'"

	ensure_packages
	ensure_key
	if ((${#running[@]} > 0)); then ensure_rootfs busy; else ensure_rootfs; fi
	consul=$(consul_bin)
	log "consul binary: $consul"
	if ((${#running[@]} == 0)); then
		build_layer
	fi
	sysctl -qw fs.inotify.max_user_instances=8192 fs.inotify.max_user_watches=1048576
	ensure_bridge
	start_consul_server "$consul"

	# dead hosts beyond N: remove their leftovers
	for i in "${dead[@]}"; do
		((i > n)) || continue
		cleanup_host "$i"
		rm -rf "$(host_dir "$i")"
	done

	t=$EPOCHREALTIME
	local started=()
	for ((i = 1; i <= n; i++)); do
		host_running "$i" && continue
		start_host "$i" "$consul"
		started+=("$(host_name "$i")")
	done
	if ((${#started[@]} > 0)); then
		log "started ${started[*]}; waiting for boot"
	else
		log "all $n hosts already running; checking health"
	fi

	deadline=$((SECONDS + BOOT_TIMEOUT))
	write_lab_files "$n"
	collect_host_keys "$n" "$deadline"
	log "host keys collected into $LAB_DIR/known_hosts ($(elapsed "$t")s)"
	wait_running "$n" "$deadline"
	log "all $n hosts report 'running' ($(elapsed "$t")s)"
	wait_consul_members "$n" "$deadline"
	log "all $n consul agents are alive members ($(elapsed "$t")s)"
	check_hosts "$n"
	if [[ $LB == 1 ]]; then
		start_lb
	elif lb_up; then
		log "haproxy keeps running (started earlier with LB=1; lab.sh down stops it)"
		write_lb_files
	fi
	if [[ $PROM == 1 ]]; then
		start_prom
	elif prom_up; then
		log "prometheus keeps running (started earlier with LB=1 or PROM=1; lab.sh down stops it)"
		write_prom_files
	fi
	if ((${#started[@]} > 0)); then
		log "lab up: $n hosts booted in $(elapsed "$t")s (total $(elapsed "$T0")s); source $LAB_DIR/env"
	else
		log "lab already up and healthy: $n hosts"
	fi
}

# kill_cgroup_procs SIG NAME: signal every process in the host's cgroups
kill_cgroup_procs() {
	local sig=$1 name=$2 c p
	for c in /sys/fs/cgroup/unified /sys/fs/cgroup/systemd; do
		[[ -d $c/$CGROUP_NAME/$name ]] || continue
		# cgroups vanish while their processes die: read what is there
		for p in $(find "$c/$CGROUP_NAME/$name" -name cgroup.procs -exec cat {} + 2>/dev/null || true); do
			kill -"$sig" "$p" 2>/dev/null || true
		done
	done
}

cgroup_empty() {
	local c=$1
	[[ -d $c ]] || return 0
	[[ -z $(find "$c" -name cgroup.procs -exec cat {} + 2>/dev/null) ]]
}

stop_hosts() {
	local i h name pids=() t=$EPOCHREALTIME
	for i in $(lab_host_indexes); do
		h=$(host_dir "$i")
		touch "$h/stop"
		if pid_alive "$h/nspawn.pid" systemd-nspawn; then
			kill -TERM "$(<"$h/nspawn.pid")" 2>/dev/null || true
			pids+=("$i")
		fi
	done
	((${#pids[@]} == 0)) || log "stopping ${#pids[@]} host(s) (SIGTERM, orderly poweroff)"
	local deadline=$((SECONDS + STOP_TIMEOUT)) busy
	while :; do
		busy=0
		for i in $(lab_host_indexes); do
			h=$(host_dir "$i")
			if pid_alive "$h/nspawn.pid" systemd-nspawn || pid_alive "$h/launcher.pid" _run-host ||
				! cgroup_empty "/sys/fs/cgroup/unified/$CGROUP_NAME/$(host_name "$i")"; then
				busy=1
			fi
		done
		((busy == 0)) && break
		if ((SECONDS >= deadline)); then
			log "hosts still up after ${STOP_TIMEOUT}s: SIGKILL"
			for i in $(lab_host_indexes); do
				h=$(host_dir "$i"); name=$(host_name "$i")
				pid_alive "$h/launcher.pid" _run-host && kill -KILL "$(<"$h/launcher.pid")" 2>/dev/null
				pid_alive "$h/nspawn.pid" systemd-nspawn && kill -KILL "$(<"$h/nspawn.pid")" 2>/dev/null
				kill_cgroup_procs KILL "$name"
			done
			sleep 1
			break
		fi
		sleep 0.2
	done
	((${#pids[@]} == 0)) || log "hosts stopped in $(elapsed "$t")s"
}

cmd_down() {
	need_root
	# Every step runs even if an earlier one failed; what is left over is
	# checked at the end and reported (exit 1).
	set +e
	local i m c ns pid
	stop_hosts
	# stray processes in the lab's cgroups (from a crashed run): ours, by pid
	for c in /sys/fs/cgroup/unified /sys/fs/cgroup/systemd; do
		[[ -d $c/$CGROUP_NAME ]] || continue
		# shellcheck disable=SC2044 # pids: no blanks to split on
		for i in $(find "$c/$CGROUP_NAME" -name cgroup.procs -exec cat {} + 2>/dev/null); do
			kill -KILL "$i" 2>/dev/null
		done
	done
	# per-host leftovers, then any other overlay mount under the state dir
	for i in $(lab_host_indexes); do cleanup_host "$i"; done
	for m in $(findmnt -rn -o TARGET | grep "^$STATE/" | sort -r); do
		umount "$m" 2>/dev/null || umount -l "$m"
	done
	# namespaces and veths
	for ns in $(ip netns list 2>/dev/null | awk '{print $1}' | grep "^$NS_PREFIX"); do
		ip netns del "$ns" 2>/dev/null
	done
	for i in $(ip -o link show 2>/dev/null | awk -F': ' '{print $2}' | sed 's/@.*//' | grep "^$VETH_PREFIX"); do
		ip link del "$i" 2>/dev/null
	done
	stop_lb
	stop_prom
	# consul server
	if consul_server_up; then
		stop_pid "$(<"$SERVER_DIR/consul.pid")"
		log "consul server stopped"
	fi
	rm -rf "$SERVER_DIR"
	if ip link show "$BRIDGE" >/dev/null 2>&1; then
		ip link del "$BRIDGE" && log "bridge $BRIDGE removed"
	fi
	# cgroup subtrees, deepest first (a cgroup goes once its last process is reaped)
	for c in /sys/fs/cgroup/unified /sys/fs/cgroup/systemd; do
		[[ -d $c/$CGROUP_NAME ]] || continue
		for _ in 1 2 3 4 5 6 7 8 9 10; do
			find "$c/$CGROUP_NAME" -depth -type d -exec rmdir {} \; 2>/dev/null
			[[ -d $c/$CGROUP_NAME ]] || break
			sleep 0.2
		done
	done
	rm -rf "$HOSTS_DIR" "$LAYER" "$LAYER.tmp"
	rm -f "$LAB_DIR"/{hosts,known_hosts,consul-addr,ssh_config,env,inventory.yaml}
	rm -rf /run/systemd/nspawn/propagate/lab[0-9]* 2>/dev/null

	# what is left? (grep -c, not grep -q: with pipefail, grep -q closing
	# the pipe early can make the producer fail with SIGPIPE)
	local left=()
	ip link show "$BRIDGE" >/dev/null 2>&1 && left+=("bridge $BRIDGE")
	(($(ip netns list 2>/dev/null | grep -c "^$NS_PREFIX") > 0)) && left+=("netns $NS_PREFIX*")
	(($(ip -o link show 2>/dev/null | grep -c ": $VETH_PREFIX") > 0)) && left+=("veth $VETH_PREFIX*")
	(($(findmnt -rn -o TARGET | grep -c "^$STATE/") > 0)) && left+=("mounts under $STATE")
	for c in /sys/fs/cgroup/unified /sys/fs/cgroup/systemd; do
		[[ -d $c/$CGROUP_NAME ]] && left+=("cgroup $c/$CGROUP_NAME")
	done
	consul_server_up && left+=("consul server")
	lb_up && left+=("haproxy")
	[[ -e $LB_DIR ]] && left+=("$LB_DIR")
	prom_up && left+=("prometheus")
	prom_sd_up && left+=("prom_sd")
	[[ -e $PROM_DIR ]] && left+=("$PROM_DIR")
	local l
	for l in $(prom_listening); do left+=("a listener on $l"); done
	set -e
	((${#left[@]} == 0)) || die "lab down incomplete, left over: ${left[*]}"
	log "lab down"
}

cmd_status() {
	local i h name addr state n=0 proc
	local br
	br=$(ip -o -4 addr show dev "$BRIDGE" 2>/dev/null | awk '{print $2, $4}' || true)
	echo "bridge:  ${br:-none (lab is down)}"
	if consul_server_up; then
		echo "consul:  server pid $(<"$SERVER_DIR/consul.pid") http://$BRIDGE_ADDR:$CONSUL_PORT"
	else
		echo "consul:  server not running"
	fi
	if lb_up; then
		echo "lb:      haproxy pid $(<"$LB_DIR/haproxy.pid") http://$BRIDGE_ADDR:$LB_PORT (config $LB_DIR/haproxy.cfg, stats $LB_DIR/admin.sock)"
		lb_servers || true
	else
		echo "lb:      haproxy not running (LB=1 lab.sh up starts it)"
	fi
	if prom_up; then
		echo "prom:    prometheus pid $(<"$PROM_DIR/prometheus.pid") http://$BRIDGE_ADDR:$PROM_PORT (config $PROM_DIR/prometheus.yml; discovery $(prom_sd_up && echo "pid $(<"$PROM_DIR/sd.pid")" || echo DEAD))"
		prom_targets || true
	else
		echo "prom:    prometheus not running (LB=1 or PROM=1 lab.sh up starts it)"
	fi
	printf '%-6s %-13s %-9s %-8s %s\n' HOST ADDRESS PROCESS NSPAWN STATE
	for i in $(lab_host_indexes); do
		n=$((n + 1))
		h=$(host_dir "$i"); name=$(host_name "$i"); addr=$(host_addr "$i")
		state=-
		if host_running "$i"; then
			proc=up
			if [[ -s $LAB_DIR/known_hosts ]]; then
				state=$( (lab_ssh "$i" systemctl is-system-running) 2>/dev/null || true)
				state=${state:-unreachable}
			fi
		else
			proc=down
		fi
		local npid=-
		[[ $proc == up ]] && npid=$(<"$h/nspawn.pid")
		printf '%-6s %-13s %-9s %-8s %s\n' "$name" "$addr" "$proc" "$npid" "$state"
	done
	((n > 0)) || echo "(no hosts)"
	if consul_server_up && ip -o link show dev "$BRIDGE" >/dev/null 2>&1; then
		echo "consul members:"
		assert_lab_net "$BRIDGE_ADDR"
		curl --noproxy "*" -sf --max-time 3 "http://$BRIDGE_ADDR:$CONSUL_PORT/v1/agent/members" |
			jq -r '.[] | "  \(.Name)\t\(.Addr)\t\(if .Status == 1 then "alive" elif .Status == 3 then "left" elif .Status == 4 then "failed" else "status \(.Status)" end)\t\(.Tags.role)"' | sort -V
	fi
}

cmd_env() {
	cat <<-EOF
		FLEET_LAB_REPO=$REPO
		FLEET_LAB_DIR=$LAB_DIR
		FLEET_LAB_STATE=$STATE
		FLEET_LAB_CACHE=$CACHE
		FLEET_LAB_ROOTFS=$ROOTFS
		FLEET_LAB_ROOTFS_TARBALL=$(rootfs_tarball)
		FLEET_LAB_CONSUL=$CACHE/consul-$(consul_version)
		FLEET_LAB_CONSUL_VERSION=$(consul_version)
		FLEET_LAB_BRIDGE=$BRIDGE
		FLEET_LAB_BRIDGE_ADDR=$BRIDGE_ADDR/24
		FLEET_LAB_SSH_CONFIG=$LAB_DIR/ssh_config
		FLEET_LAB_KNOWN_HOSTS=$LAB_DIR/known_hosts
		FLEET_LAB_KEY=$LAB_DIR/id_ed25519
		FLEET_LAB_INVENTORY=$LAB_DIR/inventory.yaml
		CONSUL_HTTP_ADDR=http://$BRIDGE_ADDR:$CONSUL_PORT
		FLEET_LAB_CONSUL_DNS=$BRIDGE_ADDR:$CONSUL_DNS_PORT
		FLEET_LAB_LB_ADDR=http://$BRIDGE_ADDR:$LB_PORT
		FLEET_LAB_LB_CONFIG=$LB_EXAMPLE
		FLEET_LAB_LB_SOCKET=$LB_DIR/admin.sock
		FLEET_LAB_PROMETHEUS=http://$BRIDGE_ADDR:$PROM_PORT
		FLEET_LAB_PROMETHEUS_CONFIG=$PROM_DIR/prometheus.yml
	EOF
}

cmd_kill() {
	need_root
	local name=${1:-} i h
	[[ $name =~ ^lab([0-9]+)$ ]] || die "usage: lab.sh kill labN"
	i=${BASH_REMATCH[1]}; h=$(host_dir "$i")
	[[ -d $h ]] || die "$name is not part of the lab"
	touch "$h/stop"
	pid_alive "$h/launcher.pid" _run-host && kill -KILL "$(<"$h/launcher.pid")"
	pid_alive "$h/nspawn.pid" systemd-nspawn && kill -KILL "$(<"$h/nspawn.pid")"
	kill_cgroup_procs KILL "$name"
	# a powered-off machine does not answer on the wire at all (no RST, no ARP)
	ip link set "$(host_veth "$i")" down 2>/dev/null || true
	log "$name powered off hard (SIGKILL, link down); 'lab.sh up' brings it back"
}

main() {
	local cmd=${1:-}
	shift || true
	case $cmd in
	up) cmd_up "$@" ;;
	down) cmd_down ;;
	status) cmd_status ;;
	env) cmd_env ;;
	kill) cmd_kill "$@" ;;
	consul) need_root; ensure_packages; consul_bin ;;
	image) need_root; ensure_packages; ensure_rootfs ;;
	_run-host) run_host "$@" ;;
	_prom-sd) run_prom_sd ;;
	*) sed -n '2,19p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
	esac
}

main "$@"
