#!/usr/bin/env bash
# make demo: roll the hello example out to the running lab, first v1 then v2,
# and show fleet status. hello is registered in Consul (.lab/inventory.yaml),
# so the lab's HAProxy (make demo starts it) follows both rollouts; the demo
# ends with its address and a line to watch it during another rollout.
# Leaves the lab running (make lab-down ends it).
set -euo pipefail
cd "$(dirname "$0")/.."
LAB=.lab
# The demo is the user's own request: no confirmation prompt for touching the whole lab.
export FLEET_YES=1
[[ -f $LAB/inventory.yaml ]] || { echo "demo: no lab (run make lab-up)" >&2; exit 1; }

make --no-print-directory hello HELLO_VERSION=v1
make --no-print-directory hello HELLO_VERSION=v2

# The service's unit file is the user's configuration, not fleet's: install it
# on every host the way configuration management would.
while read -r host; do
	ssh -F $LAB/ssh_config -o BatchMode=yes "$host" \
		'cat > /etc/systemd/system/hello.service && systemctl daemon-reload' <examples/hello/hello.service
done < <(awk '/^Host /{print $2}' $LAB/ssh_config)

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
step "fleet rollout v1"
bin/fleet rollout -i $LAB/inventory.yaml --artifact build/hello-v1 --version v1
step "fleet plan v2"
bin/fleet plan -i $LAB/inventory.yaml --artifact build/hello-v2 --version v2
step "fleet rollout v2"
bin/fleet rollout -i $LAB/inventory.yaml --artifact build/hello-v2 --version v2
step "fleet status"
bin/fleet status -i $LAB/inventory.yaml
cat <<MSG

The lab is still running. Try:
  bin/fleet status   -i $LAB/inventory.yaml
  bin/fleet releases -i $LAB/inventory.yaml
  bin/fleet rollback -i $LAB/inventory.yaml
  curl http://$(head -1 $LAB/hosts):8080/
  ssh -F $LAB/ssh_config lab1
  make lab-down      # when done
MSG
if [[ -s $LAB/lb-addr ]]; then
	lb=$(<$LAB/lb-addr)
	cat <<MSG

Load balancer: $lb (HAProxy following hello through Consul, examples/haproxy)
Watch the versions it serves, in one terminal:
  while sleep 0.2; do curl -s --noproxy '*' --max-time 2 $lb/ || echo "request failed"; done
and roll out again in another (each host drained, restarted, gated, admitted):
  make hello HELLO_VERSION=v3 && bin/fleet rollout -i $LAB/inventory.yaml --artifact build/hello-v3 --version v3
  bin/fleet rollback -i $LAB/inventory.yaml    # or back to the previous version
MSG
fi
