#!/usr/bin/env bash
# Installs the Debian 12 packages poold needs to build (--build) or to build and test (--test,
# the default). Run as root; does nothing when everything is already installed.
set -eu
what=${1:---test}

build_pkgs=(
  meson ninja-build pkg-config gcc
  libxml2-dev uuid-dev libsystemd-dev libudev-dev libmount-dev libblkid-dev libfdisk-dev
  liblvm2-dev libiscsi-dev uthash-dev libjson-c-dev
)
test_pkgs=(
  libcmocka-dev       # unit tests
  libumockdev-dev umockdev  # synthetic udev devices for the watcher tests
  libxml2-utils       # xmllint: RelaxNG validation of what we print
  libvirt0            # ships libvirt's RelaxNG schemas under /usr/share/libvirt/schemas
  clang libclang-rt-14-dev  # libFuzzer and the sanitizer runtimes
  python3             # summarises meson's test log
  python3-pytest      # integration tests: the real poold in a temporary directory
  fdisk               # sfdisk: a partition added behind the disk backend's back (root tier)
  dbus-bin            # dbus-send: a libdbus client of the control socket
  qemu-utils xorriso  # real images (qcow2, vmdk, vdi, vpc, vhdx, qed, luks, iso) for the prober
  e2fsprogs           # mkfs.ext4 for the fs-pool tests (losetup comes with util-linux's mount)
  # differential tier (docs/differential.md): libvirtd with its dir backend, and virsh. Pulls
  # libvirt-daemon-driver-qemu, libparted2, dmidecode (no qemu-system, no service started):
  # 2.1 MB, installed in about 6 s
  libvirt-daemon libvirt-clients
  e2fsprogs fdisk      # mkfs.ext4 for fs pools; sfdisk for the disk-pool tests
  udev                # systemd-udevd and udevadm: the root tier starts its own udevd
  cryptsetup-bin      # a LUKS2 image for the differential tier
)

pkgs=("${build_pkgs[@]}")
[[ $what == --test ]] && pkgs+=("${test_pkgs[@]}")

missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
((${#missing[@]} == 0)) && exit 0

if ((EUID != 0)); then
  echo "install-deps: missing packages: ${missing[*]}; run this script as root" >&2
  exit 1
fi
echo "install-deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
