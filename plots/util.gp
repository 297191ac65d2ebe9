# Per-core utilisation: the fraction of the makespan each core was busy.
# ipasim sets above: name, title, ncores, data (core fraction partition),
# mean_util.
set xrange [-0.5:ncores - 0.5]
set yrange [0:1.05]
set xlabel "core"
set ylabel "busy fraction"
set xtics out nomirror
if (ncores > 32) { set xtics ncores > 128 ? 16 : 8 }
set grid ytics
set key inside top right opaque
set boxwidth 0.8 relative
set style fill solid 0.9 noborder
set title title
do for [fmt in "png svg"] {
    if (fmt eq "png") {
        set terminal pngcairo size 1200, 500 font "sans,10" noenhanced
    } else {
        set terminal svg size 1200, 500 font "sans,10" noenhanced
    }
    set output name . "." . fmt
    plot data using 1:2 with boxes lc rgb "#1f77b4" title "busy", \
         mean_util with lines dt 2 lw 2 lc rgb "#333333" \
             title sprintf("mean %.1f%%", 100 * mean_util)
    set output
}
