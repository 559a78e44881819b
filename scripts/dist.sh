#!/usr/bin/env bash
# Release archives, run by make dist and make dist-check (README "Install").
#
#   scripts/dist.sh         build dist/fleet-$VERSION-<os>-<arch>.tar.gz and dist/SHA256SUMS
#   scripts/dist.sh check   verify them: checksums, entries, architectures, fleet --version
#
# Each archive holds fleet for its platform and, beside it, the Linux agents
# fleet-linux-amd64 and fleet-linux-arm64, where deploy/agentbin.go looks
# for a host's agent; in a linux archive the agent of its own architecture is
# a hard link to fleet. Reproducible: static builds with -trimpath, and the
# Makefile passes SOURCE_DATE_EPOCH (the last commit's time) for both the
# date in LDFLAGS and the archives' mtime. Needs GNU tar, gzip and sha256sum.
set -euo pipefail

GO=${GO:-go}
VERSION=${VERSION:?set VERSION (make dist does)}
OUT=dist
PLATFORMS=(linux/amd64 linux/arm64 darwin/amd64 darwin/arm64)
AGENTS=(amd64 arm64)

cd "$(dirname "$0")/.."
export LC_ALL=C

build() {
	: "${LDFLAGS:?set LDFLAGS (make dist does)}" "${SOURCE_DATE_EPOCH:?set SOURCE_DATE_EPOCH (make dist does)}"
	rm -rf "$OUT"
	local bin=$OUT/bin
	mkdir -p "$bin"
	local p os arch
	for p in "${PLATFORMS[@]}"; do
		os=${p%/*} arch=${p#*/}
		echo "build $os/$arch"
		# -buildvcs=true whatever GOFLAGS says: `go version -m` on the
		# shipped binary then names the commit (vcs.revision, vcs.modified).
		CGO_ENABLED=0 GOOS=$os GOARCH=$arch "$GO" build -trimpath -buildvcs=true -ldflags "$LDFLAGS" \
			-o "$bin/fleet-$os-$arch" ./cmd/fleet
	done
	local stage name a
	for p in "${PLATFORMS[@]}"; do
		os=${p%/*} arch=${p#*/}
		name=fleet-$VERSION-$os-$arch
		stage=$OUT/stage/$name
		mkdir -p "$stage"
		cp "$bin/fleet-$os-$arch" "$stage/fleet"
		for a in "${AGENTS[@]}"; do
			if [ "$os/$arch" = "linux/$a" ]; then
				ln "$stage/fleet" "$stage/fleet-linux-$a"
			else
				cp "$bin/fleet-linux-$a" "$stage/fleet-linux-$a"
			fi
		done
		chmod 0755 "$stage"/*
		tar --create --format=gnu --sort=name --mtime="@$SOURCE_DATE_EPOCH" \
			--owner=0 --group=0 --numeric-owner --directory="$stage" fleet "${AGENTS[@]/#/fleet-linux-}" |
			gzip -n -9 >"$OUT/$name.tar.gz"
	done
	rm -rf "$OUT/bin" "$OUT/stage"
	(cd "$OUT" && sha256sum -- *.tar.gz >SHA256SUMS)
	ls -l "$OUT"
}

check() {
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' EXIT
	ls -l "$OUT"
	(cd "$OUT" && sha256sum -c SHA256SUMS)
	local want_entries=$'fleet\nfleet-linux-amd64\nfleet-linux-arm64'
	local commit dirty=false
	commit=$(git rev-parse HEAD)
	[ -z "$(git status --porcelain)" ] || dirty=true # as go build decides vcs.modified
	local p os arch name dir entries f want wos warch
	for p in "${PLATFORMS[@]}"; do
		os=${p%/*} arch=${p#*/}
		name=fleet-$VERSION-$os-$arch
		grep -q " $name.tar.gz\$" "$OUT/SHA256SUMS" || { echo "$name.tar.gz: not in SHA256SUMS" >&2; exit 1; }
		entries=$(tar -tzf "$OUT/$name.tar.gz")
		if [ "$entries" != "$want_entries" ]; then
			printf '%s: entries\n%s\nwant\n%s\n' "$name" "$entries" "$want_entries" >&2
			exit 1
		fi
		if tar -tvzf "$OUT/$name.tar.gz" --numeric-owner | grep -v ' 0/0 '; then
			echo "$name: an entry not owned by 0/0" >&2
			exit 1
		fi
		dir=$tmp/$name
		mkdir -p "$dir"
		tar -xzf "$OUT/$name.tar.gz" -C "$dir"
		for f in fleet fleet-linux-amd64 fleet-linux-arm64; do
			case $f in
			fleet) wos=$os warch=$arch ;;
			*) wos=linux warch=${f#fleet-linux-} ;;
			esac
			"$GO" version -m "$dir/$f" >"$tmp/m"
			for want in GOOS=$wos GOARCH=$warch CGO_ENABLED=0 -trimpath=true "vcs.revision=$commit" "vcs.modified=$dirty"; do
				grep -qx $'\tbuild\t'"$want" "$tmp/m" ||
					{ echo "$name/$f: want $want in its build info:" >&2; cat "$tmp/m" >&2; exit 1; }
			done
		done
		echo "$name.tar.gz: ok"
	done
	local host
	host=$("$GO" env GOHOSTOS)-$("$GO" env GOHOSTARCH)
	if [ -x "$tmp/fleet-$VERSION-$host/fleet" ]; then
		local out
		out=$("$tmp/fleet-$VERSION-$host/fleet" --version)
		echo "$out"
		case $out in
		"fleet $VERSION "*) ;;
		*) echo "fleet-$VERSION-$host/fleet --version: want version $VERSION" >&2; exit 1 ;;
		esac
	else
		echo "no archive for $host: fleet --version not run"
	fi
}

case ${1:-build} in
build) build ;;
check) check ;;
*) echo "usage: $0 [build|check]" >&2; exit 2 ;;
esac
