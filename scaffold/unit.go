package scaffold

import (
	"fmt"
	"strings"
)

// UnitFile renders the systemd unit for o (defaults filled in), to be
// installed as /etc/systemd/system/<Unit> on every host. It runs the
// binary through the current symlink, so fleet's switch and restart
// change the release and the unit never names a version.
func UnitFile(o Options) []byte {
	o = o.WithDefaults()
	var b strings.Builder
	w := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }
	w("# %s, written by fleet init. Install it on every host, as root:", o.Unit)
	w("#   install -m 0644 %s /etc/systemd/system/%s", o.Unit, o.Unit)
	w("#   systemctl daemon-reload && systemctl enable %s", o.Unit)
	w("# fleet switches %s/current to a release and restarts this unit.", o.Root)
	w("[Unit]")
	w("Description=%s, deployed by fleet", o.Name)
	w("After=network.target")
	w("")
	w("[Service]")
	w("ExecStart=%s", o.ExecStart())
	w("# fleet's health check asks %s: the service must answer", o.CheckURL())
	w("# there. Many services read PORT; change this line if yours does not.")
	w("Environment=PORT=%d", o.Port)
	w("# A system user made up at each start: the service runs without root and")
	w("# cannot write outside its own state. Set User= if it needs more.")
	w("DynamicUser=yes")
	w("Restart=on-failure")
	w("RestartSec=1")
	w("")
	w("[Install]")
	w("WantedBy=multi-user.target")
	return []byte(b.String())
}
