# Sourced by setup.sh and test.sh: installs the Debian packages ipasim
# needs, only those missing. As root it runs apt-get; otherwise sudo.
# The Slurm packages are for the test that runs `ipasim sweep --engine
# slurm` against a real single-node Slurm (tests/e2e/sweep_slurm.sh); the
# daemons are started by that test only, never as services.
IPASIM_PACKAGES="cmake make gcc pkg-config libglib2.0-dev libhwloc-dev hwloc
libjson-c-dev zlib1g-dev libcmocka-dev gnuplot-nox python3
slurmctld slurmd slurm-client munge"

ipasim_install_deps() {
    local missing=()
    for p in $IPASIM_PACKAGES; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
            missing+=("$p")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    echo "installing: ${missing[*]}"
    local sudo=""
    [ "$(id -u)" -ne 0 ] && sudo="sudo"
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
        $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
            --no-install-recommends "${missing[@]}" >/dev/null
}
