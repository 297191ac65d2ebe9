# ipasim compare: one bar chart per metric, one bar per report.
# ipasim sets above: name, data (one block per metric: report number,
# value), nmetrics, nruns, titles[] (the metrics' names and units),
# labels[] (the reports' names).
set style fill solid 0.85 noborder
set boxwidth 0.7
set xrange [-0.6:nruns - 0.4]
set yrange [0:*]
set offsets 0, 0, graph 0.12, 0
set xtics rotate by -30 nomirror
set ytics nomirror
set grid ytics
unset key
do for [fmt in "png svg"] {
    if (fmt eq "png") {
        set terminal pngcairo size 1500, 720 font "sans,9" noenhanced
    } else {
        set terminal svg size 1500, 720 font "sans,9" noenhanced
    }
    set output name . "." . fmt
    set multiplot layout 2, (nmetrics + 1) / 2
    do for [m = 1:nmetrics] {
        set title titles[m]
        plot data index (m - 1) using 0:2:($0 + 1):xtic(labels[int($1)]) \
                 with boxes lc variable, \
             data index (m - 1) using 0:2:(sprintf("%.6g", $2)) \
                 with labels offset 0, 0.7
    }
    unset multiplot
    set output
}
