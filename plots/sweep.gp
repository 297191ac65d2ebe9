# ipasim sweep --plot: one figure per metric, the metric against a swept
# axis, one line per group of cells (policy by default): the mean over
# the group's cells at each x (seeds, and the axes not grouped by), with
# bars from min to max. ipasim sets above: name, data (one block per
# line: x mean min max), ylabel, xname, categorical (x values that are not
# all numbers: drawn at 0, 1, ... and labelled), nlines, line_names[],
# nx, xlabels[].
set xlabel xname
set ylabel ylabel
set title ylabel . " by " . xname
set grid
set key outside right top Left reverse
set offsets graph 0.05, graph 0.05, graph 0.05, graph 0.05
if (categorical) {
    set xtics ()
    do for [i = 1:nx] {
        set xtics add (xlabels[i] i - 1)
    }
}
do for [fmt in "png svg"] {
    if (fmt eq "png") {
        set terminal pngcairo size 900, 560 font "sans,10" noenhanced
    } else {
        set terminal svg size 900, 560 font "sans,10" noenhanced
    }
    set output name . "." . fmt
    plot for [i = 0:nlines - 1] data index i using 1:2:3:4 \
        with yerrorlines lw 2 pt 7 title line_names[i + 1]
    set output
}
