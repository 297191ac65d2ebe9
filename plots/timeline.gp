# Per-core timeline (Gantt chart): which thread ran on which core when.
# ipasim sets above: name, title, unit, tmax, ncores, width, height,
# data (core start end height colour tid), flagged (core start end),
# nflagged, mode ("exact": one box per run; "buckets": per time bucket the
# dominant thread's colour, the box height the core's busy fraction),
# nkeys, key_names[], key_colors[] (the legend).
set xrange [0:tmax]
set yrange [ncores - 0.5:-0.5]
set xlabel "time (" . unit . ")"
set ylabel "core"
set ytics out nomirror
set xtics out nomirror
if (ncores > 32) { set ytics ncores > 128 ? 16 : 8 }
set mytics 1
set grid xtics lc rgb "#dddddd"
set key below center horizontal Left reverse samplen 1 maxrows 3
set title title
set style fill solid 1.0 noborder
flag_title = nflagged > 0 ? sprintf("flagged work-conservation violation (%d)", nflagged) : ""
do for [fmt in "png svg"] {
    if (fmt eq "png") {
        set terminal pngcairo size width, height font "sans,10" noenhanced
    } else {
        set terminal svg size width, height font "sans,10" noenhanced
    }
    set output name . "." . fmt
    plot flagged using (($2 + $3) / 2):1:2:3:($1 - 0.5):($1 + 0.5) \
             with boxxyerror fs transparent solid 0.35 noborder \
             lc rgb "#d62728" title flag_title, \
         data using (($2 + $3) / 2):1:2:3:($1 - 0.42):($1 - 0.42 + 0.84 * $4):5 \
             with boxxyerror fs solid 1.0 noborder lc rgb variable notitle, \
         for [i = 1:nkeys] NaN with boxes fs solid 1.0 \
             lc rgb key_colors[i] title key_names[i]
    set output
}
