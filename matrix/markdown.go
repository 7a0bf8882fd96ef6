package matrix

import (
	"bufio"
	"fmt"
	"io"
	"strings"
)

// WriteMarkdown writes the endpoints, the per-section scores and one
// table per section (rule, title, level, one status column per endpoint).
func (m *Matrix) WriteMarkdown(w io.Writer) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "# KMS HMAC conformance matrix\n\n")
	fmt.Fprintf(bw, "%d rules, %d endpoints, from `kmsmac conform --report` runs. ", m.Rules(), len(m.Endpoints))
	fmt.Fprintf(bw, "A score is passed / judged: judged rules are passed, failed or unverified deviation; "+
		"blocked, not reached, skipped and not run (rule absent from that report) are not judged.\n\n")

	fmt.Fprintf(bw, "## Endpoints\n\n| Column | Target | kmsmac | Finished | Wall time | Seed |\n|---|---|---|---|---|---|\n")
	for _, e := range m.Endpoints {
		fmt.Fprintf(bw, "| %s | %s | %s | %s | %.1f s | %d |\n", mdCell(e.Name), mdCell(e.Run.Target), mdCell(e.Run.Kmsmac),
			mdCell(e.Run.Finished), e.Run.WallSeconds, e.Run.Seed)
	}

	head := func(first ...string) {
		cols := append(first, names(m)...)
		fmt.Fprintf(bw, "| %s |\n|%s\n", strings.Join(cols, " | "), strings.Repeat("---|", len(cols)))
	}
	fmt.Fprintf(bw, "\n## Scores (passed / judged)\n\n")
	head("Section", "Rules")
	for _, s := range m.Sections {
		fmt.Fprintf(bw, "| [%s](#%s) %s | %d |", s.Prefix, anchor(s.Prefix), mdCell(s.Title), len(s.Rules))
		for _, sc := range s.Scores {
			fmt.Fprintf(bw, " %s |", scoreText(sc))
		}
		fmt.Fprintln(bw)
	}
	fmt.Fprintf(bw, "| **All** | %d |", m.Rules())
	for _, sc := range m.Totals {
		fmt.Fprintf(bw, " **%s** |", scoreText(sc))
	}
	fmt.Fprintf(bw, "\n\n## Rules by status\n\n")
	head("Status")
	for _, st := range Statuses {
		fmt.Fprintf(bw, "| %s |", st)
		for _, sc := range m.Totals {
			fmt.Fprintf(bw, " %d |", sc.Counts[st])
		}
		fmt.Fprintln(bw)
	}

	fmt.Fprintf(bw, "\n## Rules\n")
	for _, s := range m.Sections {
		fmt.Fprintf(bw, "\n### %s\n\n", s.Prefix)
		if s.Title != "" {
			fmt.Fprintf(bw, "Catalogue %s.\n\n", mdCell(s.Title))
		}
		head("Rule", "Title", "Level")
		for _, r := range s.Rules {
			fmt.Fprintf(bw, "| %s | %s | %s |", r.ID, mdCell(r.Title), mdCell(r.Level))
			for _, c := range r.Cells {
				fmt.Fprintf(bw, " %s |", c.Status)
			}
			fmt.Fprintln(bw)
		}
		fmt.Fprintf(bw, "| | **score** | |")
		for _, sc := range s.Scores {
			fmt.Fprintf(bw, " **%s** |", scoreText(sc))
		}
		fmt.Fprintln(bw)
	}
	return bw.Flush()
}

func names(m *Matrix) []string {
	var out []string
	for _, e := range m.Endpoints {
		out = append(out, mdCell(e.Name))
	}
	return out
}

func scoreText(s Score) string {
	if s.Judged == 0 {
		return "0 / 0"
	}
	return fmt.Sprintf("%d / %d", s.Passed, s.Judged)
}

// anchor is GitHub's heading id for a section prefix ("MAC-SIZE" -> "mac-size").
func anchor(prefix string) string { return strings.ToLower(prefix) }

// mdCell keeps a value on one table row.
func mdCell(s string) string {
	s = strings.ReplaceAll(s, "|", `\|`)
	s = strings.ReplaceAll(s, "\r", "")
	return strings.ReplaceAll(s, "\n", " ")
}
