#!/bin/sh
# Regenerates the shipped topologies with hwloc's own tools: lstopo builds
# each machine from a synthetic description, hwloc-annotate adds the NUMA
# latency matrix (kind 5 = FROM_OS | MEANS_LATENCY, as Linux reports it).
# Usage: topologies/make.sh  (needs lstopo-no-graphics and hwloc-annotate;
# the files are committed, so only run it to change them).
set -eu
cd "$(dirname "$0")"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# synth FILE DESCRIPTION: the machine without distances.
synth() {
    lstopo-no-graphics -i "$2" --of xml "$1.tmp"
    mv "$1.tmp" "$1"
}

# matrix FILE NAME NODES ROW...: adds an NxN latency matrix, one quoted
# row of N values per argument.
matrix() {
    file=$1 name=$2 nodes=$3
    shift 3
    {
        echo "name=$name"
        echo 5
        echo "$nodes"
        i=0
        while [ "$i" -lt "$nodes" ]; do echo "NUMANode:$i"; i=$((i + 1)); done
        for row in "$@"; do
            for v in $row; do echo "$v"; done
        done
    } > "$tmp/distances"
    hwloc-annotate "$file" "$file" -- root -- distances "$tmp/distances"
}

synth 1core.xml "pack:1 core:1 pu:1"

synth 4core.xml "pack:1 l3:1(size=8MB) l2:4(size=256KB) l1d:1(size=32KB) core:1 pu:1"

# Two sockets, each a NUMA node, 8 cores of 2 hardware threads.
synth 2socket-smt.xml "pack:2 [numa(memory=32GB)] l3:1(size=20MB) l2:8(size=256KB) l1d:1(size=32KB) core:1 pu:2"
matrix 2socket-smt.xml NUMALatency 2 \
    "10 21" \
    "21 10"

# The AMD Opteron 6272 machine of "The Linux Scheduler: a Decade of Wasted
# Cores": 4 packages of 2 dies; each die is a NUMA node with its 8 MB L3
# and 4 Bulldozer modules, each a pair of cores sharing a 2 MB L2. Dies of
# one package are one HyperTransport hop apart (16), and so are dies of the
# same parity in different packages; the other dies are two hops (22).
synth 64core.xml "pack:4 die:2 [numa(memory=64GB)] l3:1(size=8MB) l2:4(size=2MB) l1d:2(size=16KB) core:1 pu:1"
matrix 64core.xml NUMALatency 8 \
    "10 16 16 22 16 22 16 22" \
    "16 10 22 16 22 16 22 16" \
    "16 22 10 16 16 22 16 22" \
    "22 16 16 10 22 16 22 16" \
    "16 22 16 22 10 16 16 22" \
    "22 16 22 16 16 10 22 16" \
    "16 22 16 22 16 22 10 16" \
    "22 16 22 16 22 16 16 10"

# An 8-socket machine of 16 cores x 2 threads, each socket a NUMA node,
# wired as two fully connected quads whose sockets i and i+4 are linked:
# one hop 21, two hops 31.
synth 256core.xml "pack:8 [numa(memory=128GB)] l3:1(size=40MB) l2:16(size=1MB) l1d:1(size=32KB) core:1 pu:2"
matrix 256core.xml NUMALatency 8 \
    "10 21 21 21 21 31 31 31" \
    "21 10 21 21 31 21 31 31" \
    "21 21 10 21 31 31 21 31" \
    "21 21 21 10 31 31 31 21" \
    "21 31 31 31 10 21 21 21" \
    "31 21 31 31 21 10 21 21" \
    "31 31 21 31 21 21 10 21" \
    "31 31 31 21 21 21 21 10"

# The Arm Juno r2 board of LISA's recording (lisa-juno-trace.txt in the
# shared data): a LITTLE cluster of 4 Cortex-A53 (Linux CPUs 0 and 3-5,
# 1 MiB L2) and a big one of 2 Cortex-A72 (CPUs 1-2, 2 MiB L2), as lstopo
# shows it there (clusters as packages, the one holding CPU 0 first, so
# ipasim's cores 0-3 are the LITTLE CPUs 0,3,4,5 and cores 4-5 the big
# CPUs 1,2). The CPU kinds carry what hwloc's Linux backend reads from
# sysfs: cpu_capacity (LinuxCapacity) and cpuinfo_max_freq. Linux's
# capacities come from the device tree's capacity-dmips-mhz (A72 1024,
# A53 485, arch/arm64/boot/dts/arm/juno-r2.dts) times each cluster's top
# frequency (1200 and 950 MHz, the frequencies the recording prints):
# 485 * 950 / 1200 = 383 for the A53s, 1024 for the A72s.
lstopo-no-graphics -i "pack:2 l2:1(size=1MiB) l1d:4(size=32KiB) core:1 pu:1(indexes=0,3,4,5,1,2,6,7)" \
    --restrict 0x3f --of xml juno-r2.xml.tmp
mv juno-r2.xml.tmp juno-r2.xml
hwloc-annotate juno-r2.xml juno-r2.xml L2:1 size 2MiB
kind() {
    hwloc-annotate juno-r2.xml juno-r2.xml -- root -- cpukind "$1" "$2" 0 "$3" "$4"
}
kind 0x39 0 LinuxCapacity 383
kind 0x39 0 FrequencyMaxMHz 950
kind 0x06 1 LinuxCapacity 1024
kind 0x06 1 FrequencyMaxMHz 1200
