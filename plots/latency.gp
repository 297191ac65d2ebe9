# Wake-up latency CDF per thread group: the fraction of wake-ups (and
# arrivals) that ran within a given latency. ipasim sets above: name,
# title, data (one block per group: latency_us fraction), ngroups,
# group_names[]. Zero latencies are drawn at 0.001 us (1 ns) on the log axis.
set logscale x
set xlabel "wake-up latency (us, log scale; zero drawn at 0.001)"
set ylabel "fraction of wake-ups"
set yrange [0:1.02]
set grid
set key outside right top Left reverse
set title title
do for [fmt in "png svg"] {
    if (fmt eq "png") {
        set terminal pngcairo size 900, 560 font "sans,10" noenhanced
    } else {
        set terminal svg size 900, 560 font "sans,10" noenhanced
    }
    set output name . "." . fmt
    plot for [i = 0:ngroups - 1] data index i using 1:2 with steps lw 2 \
        title group_names[i + 1]
    set output
}
