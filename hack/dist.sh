#!/usr/bin/env bash
# Builds the release archives krew installs `kubectl akash` from, and the krew
# manifest that points at them.
#
# For every platform of krew-manifest/akash.yaml (or only those in
# DIST_PLATFORMS, e.g. DIST_PLATFORMS="linux/amd64 darwin/arm64"), it builds a
# static binary stamped like `make build` (which is also the
# kubectl_complete-akash completion helper when linked under that name; see
# the manifest's caveats), packs it with LICENSE into
#   $DIST_DIR/kubectl-akash_<VERSION>_<os>_<arch>.tar.gz
# (tar.gz on Windows too: krew unpacks it there, and it needs no zip tool), and
# writes $DIST_DIR/checksums.txt and $DIST_DIR/akash.yaml: the manifest template
# with its placeholders (version v0.0.0, sha256 of 64 zeros) filled in, and the
# platforms that were not built left out, so a host-only build still yields a
# manifest krew accepts.
#
# Environment: VERSION (default v0.0.0-dev), COMMIT (default unknown),
# DIST_DIR (default dist/ in the repository), DIST_PLATFORMS (default all),
# SOURCE_DATE_EPOCH (archive timestamps; default the last commit's time).
# Needs only bash, coreutils, tar and gzip besides Go (git is optional).
# Prints the paths it wrote; on success, stderr only says when VERSION had to
# be adjusted for krew.
set -euo pipefail

caller=$PWD
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
out=${DIST_DIR:-$root/dist}
mkdir -p "$out"
out=$(cd "$out" && pwd)
cd "$root"

TEMPLATE=krew-manifest/akash.yaml
PLACEHOLDER_VERSION=v0.0.0
PLACEHOLDER_SHA256=0000000000000000000000000000000000000000000000000000000000000000
VERSION=${VERSION:-v0.0.0-dev}
COMMIT=${COMMIT:-unknown}

die() { echo "dist: $*" >&2; exit 1; }

# krew only accepts semantic versions with a leading v (1.2.3 gets its v).
# Anything else, such as an untagged checkout's `git describe` (14af2c6-dirty),
# becomes the pre-release v0.0.0-dev-14af2c6-dirty, stamped into the binary as
# well, so the binary and the manifest still agree.
num='(0|[1-9][0-9]*)'
pre="(0|[1-9][0-9]*|[0-9]*[A-Za-z-][0-9A-Za-z-]*)"
semver="^v$num\.$num\.$num(-$pre(\.$pre)*)?(\+[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?\$"
if [[ v$VERSION =~ $semver ]]; then
  VERSION=v$VERSION
elif ! [[ $VERSION =~ $semver ]]; then
  mapped=v0.0.0-dev-$(tr -c '0-9A-Za-z\n-' '-' <<<"$VERSION")
  echo "dist: VERSION=$VERSION is not a semantic version; using $mapped" >&2
  VERSION=$mapped
fi

# The template, split into the lines before its platform items, the items
# themselves (one multi-line string each) and the lines after them. Items are
# the "  - " entries under "  platforms:", continued by lines indented further.
before=() items=() after=()
state=before
while IFS= read -r line || [[ -n $line ]]; do
  case $state in
    before)
      before+=("$line")
      if [[ $line == "  platforms:" ]]; then state=items; fi ;;
    items)
      if [[ $line == "  - "* ]]; then
        items+=("$line")
      elif [[ $line == "    "* && ${#items[@]} -gt 0 ]]; then
        items[${#items[@]}-1]+=$'\n'$line
      else
        state=after
        after+=("$line")
      fi ;;
    after) after+=("$line") ;;
  esac
done <"$TEMPLATE"
[[ ${#items[@]} -gt 0 ]] || die "$TEMPLATE: no items found under '  platforms:'"
versioned=
for line in "${before[@]}"; do
  if [[ $line == "  version: $PLACEHOLDER_VERSION" ]]; then versioned=yes; fi
done
[[ -n $versioned ]] || die "$TEMPLATE: spec.version must be the placeholder $PLACEHOLDER_VERSION"

# item_platform ITEM: prints the os/arch its selector matches.
item_platform() {
  local os_re=$'\n'' +os: ([a-z0-9]+)' arch_re=$'\n'' +arch: ([a-z0-9]+)' os arch
  [[ $1 =~ $os_re ]] || die "$TEMPLATE: platform without os label: $1"
  os=${BASH_REMATCH[1]}
  [[ $1 =~ $arch_re ]] || die "$TEMPLATE: platform without arch label: $1"
  arch=${BASH_REMATCH[1]}
  echo "$os/$arch"
}

# all[i] is the os/arch of items[i]; sums[i] becomes its archive's sha256 once
# built. Every item must carry the placeholders, or it would ship unfilled.
all=() sums=()
for i in "${!items[@]}"; do
  all[i]=$(item_platform "${items[i]}")
  sums[i]=
  name=kubectl-akash_${PLACEHOLDER_VERSION}_${all[i]%/*}_${all[i]#*/}.tar.gz
  [[ ${items[i]} == *"/releases/download/$PLACEHOLDER_VERSION/$name"* ]] ||
    die "$TEMPLATE: the ${all[i]} uri must end in /releases/download/$PLACEHOLDER_VERSION/$name"
  [[ ${items[i]} == *"sha256: \"$PLACEHOLDER_SHA256\""* ]] ||
    die "$TEMPLATE: the ${all[i]} sha256 must be the placeholder \"$PLACEHOLDER_SHA256\""
done

# index_of OS/ARCH: prints the template item index of that platform.
index_of() {
  local i
  for i in "${!all[@]}"; do
    [[ ${all[i]} == "$1" ]] && { echo "$i"; return 0; }
  done
  die "platform $1 is not in $TEMPLATE (it has: ${all[*]})"
}

read -r -a platforms <<<"${DIST_PLATFORMS:-${all[*]}}"
[[ ${#platforms[@]} -gt 0 ]] || die "DIST_PLATFORMS names no platform"
for p in "${platforms[@]}"; do index_of "$p" >/dev/null; done

# sha256_of FILE: prints FILE's sha256 (coreutils, or shasum where that is missing).
sha256_of() {
  local sum
  if command -v sha256sum >/dev/null; then sum=$(sha256sum "$1"); else sum=$(shasum -a 256 "$1"); fi
  echo "${sum%% *}"
}

# Identical inputs give identical archives with GNU tar, so a rebuild of a
# release reproduces its checksums: fixed order, owners and timestamps.
tarflags=()
if [[ $(tar --version 2>/dev/null) == *"GNU tar"* ]]; then
  epoch=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || echo 0)}
  tarflags=(--sort=name --owner=0 --group=0 --numeric-owner "--mtime=@$epoch")
fi

module=$(go list -m)
ldflags="-s -w -X $module/pkg/plugin/version.version=$VERSION -X $module/pkg/plugin/version.commit=$COMMIT"
work=$(mktemp -d)
trap 'rm -rf "$work" "$out"/*.dist-tmp' EXIT

archives=() checksums=
for p in "${platforms[@]}"; do
  i=$(index_of "$p")
  os=${p%/*} arch=${p#*/} exe=
  [[ $os == windows ]] && exe=.exe
  stage=$work/$os-$arch
  mkdir -p "$stage"
  CGO_ENABLED=0 GOOS=$os GOARCH=$arch \
    go build -trimpath -ldflags "$ldflags" -o "$stage/kubectl-akash$exe" ./cmd/kubectl-akash
  chmod 0755 "$stage/kubectl-akash$exe"
  cp LICENSE "$stage/LICENSE"
  chmod 0644 "$stage/LICENSE"
  archive=kubectl-akash_${VERSION}_${os}_${arch}.tar.gz
  tar ${tarflags[@]+"${tarflags[@]}"} -C "$stage" -cf - "kubectl-akash$exe" LICENSE | gzip -9n >"$out/$archive.dist-tmp"
  mv "$out/$archive.dist-tmp" "$out/$archive"
  sums[i]=$(sha256_of "$out/$archive")
  archives+=("$archive")
  checksums+="${sums[i]}  $archive"$'\n'
done

# The manifest: the template's YAML (its comments describe the template, so
# they are dropped) with the placeholders filled, built platforms only.
{
  echo "# Generated by hack/dist.sh from $TEMPLATE for $VERSION: do not edit."
  for line in "${before[@]}"; do
    [[ $line == "#"* ]] && continue
    printf '%s\n' "${line//"$PLACEHOLDER_VERSION"/$VERSION}"
  done
  for i in "${!items[@]}"; do
    [[ -n ${sums[i]} ]] || continue
    item=${items[i]//"$PLACEHOLDER_VERSION"/$VERSION}
    printf '%s\n' "${item//"$PLACEHOLDER_SHA256"/${sums[i]}}"
  done
  for line in ${after[@]+"${after[@]}"}; do
    printf '%s\n' "${line//"$PLACEHOLDER_VERSION"/$VERSION}"
  done
} >"$out/akash.yaml.dist-tmp"
mv "$out/akash.yaml.dist-tmp" "$out/akash.yaml"

printf '%s' "$checksums" >"$out/checksums.txt.dist-tmp"
mv "$out/checksums.txt.dist-tmp" "$out/checksums.txt"

for f in "${archives[@]}" checksums.txt akash.yaml; do
  f=$out/$f
  echo "${f#"$caller"/}"
done
