# Run-queue length heat map (cores x time): an idle core beside a loaded
# one stands out. ipasim sets above: name, title, unit, tmax, ncores,
# width, height, data (time core mean_len max_len, one block per core),
# bucket (the width of one column), cbmax (the largest mean).
set xrange [0:tmax]
set yrange [ncores - 0.5:-0.5]
set cbrange [0:cbmax]
set xlabel "time (" . unit . ")"
set ylabel "core"
set cblabel "threads waiting (mean over " . bucket . ")"
set ytics out nomirror
set xtics out nomirror
if (ncores > 32) { set ytics ncores > 128 ? 16 : 8 }
set title title
set palette defined (0 "#ffffff", 0.25 "#fee8c8", 1 "#fdbb84", 2.5 "#e34a33", 5 "#7f0000")
do for [fmt in "png svg"] {
    if (fmt eq "png") {
        set terminal pngcairo size width, height font "sans,10" noenhanced
    } else {
        set terminal svg size width, height font "sans,10" noenhanced
    }
    set output name . "." . fmt
    plot data using 1:2:3 with image notitle
    set output
}
