package soak

import (
	"fmt"
	"io"
	"time"
)

// WriteMarkdown writes one run: a start/end summary (the first loaded
// interval against the last) and every sample.
func WriteMarkdown(w io.Writer, title string, cfg Config, samples []Sample, created int64) {
	fmt.Fprintf(w, "## %s\n\n", title)
	fmt.Fprintf(w, "%d requests/s offered (open loop, %d workers), %s, %d working keys; %d keys created and scheduled for deletion during the run.\n\n",
		cfg.Rate, cfg.Workers, cfg.Duration, cfg.Keys, created)
	if len(samples) >= 2 {
		first, last := samples[1], samples[len(samples)-1]
		fmt.Fprintln(w, "| | start (first interval) | end (last interval) |")
		fmt.Fprintln(w, "|---|---|---|")
		fmt.Fprintf(w, "| RSS | %s | %s |\n", kib(first.RSSKiB), kib(last.RSSKiB))
		fmt.Fprintf(w, "| open files | %s | %s |\n", num(first.FDs), num(last.FDs))
		fmt.Fprintf(w, "| goroutines | %s | %s |\n", num(first.Goroutines), num(last.Goroutines))
		fmt.Fprintf(w, "| p99 latency | %s | %s |\n", ms(first.P99), ms(last.P99))
		fmt.Fprintf(w, "| p50 latency | %s | %s |\n\n", ms(first.P50), ms(last.P50))
	}
	errs, missed, reqs := 0, 0, 0
	for _, s := range samples {
		errs, missed, reqs = errs+s.Errors, missed+s.Missed, reqs+s.Requests
	}
	fmt.Fprintf(w, "%d requests answered, %d not as expected, %d ticks missed (driver behind).\n\n", reqs, errs, missed)
	fmt.Fprintln(w, "| at | RSS | open files | goroutines | requests | errors | missed | p50 | p99 |")
	fmt.Fprintln(w, "|---|---|---|---|---|---|---|---|---|")
	for _, s := range samples {
		fmt.Fprintf(w, "| %s | %s | %s | %s | %d | %d | %d | %s | %s |\n", s.At.Round(time.Second), kib(s.RSSKiB), num(s.FDs),
			num(s.Goroutines), s.Requests, s.Errors, s.Missed, ms(s.P50), ms(s.P99))
	}
	fmt.Fprintln(w)
}

func kib(n int64) string {
	if n < 0 {
		return "n/a"
	}
	return fmt.Sprintf("%.1f MiB", float64(n)/1024)
}

func num(n int) string {
	if n < 0 {
		return "n/a"
	}
	return fmt.Sprint(n)
}

func ms(d time.Duration) string {
	if d == 0 {
		return "-"
	}
	return fmt.Sprintf("%.2f ms", float64(d)/1e6)
}
