// Package matrix owns the side-by-side view of several conformance runs:
// it reads the JSON reports of "kmsmac conform --report FILE.json" (one per
// endpoint), lines their rule verdicts up (rules down, grouped by catalogue
// section; endpoints across), scores each section per endpoint, and writes
// the result as Markdown or as one self-contained HTML page. It never runs
// the suite itself.
package matrix

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"regexp"
	"strings"

	"github.com/kmsmac/kmsmac/features"
	"github.com/kmsmac/kmsmac/results"
)

// Format is the report format this package reads; results.Result.JSON
// writes it (a test keeps the two in step).
const Format = "kmsmac-conform/1"

// NotRun is the cell of a rule that one report has and another lacks
// (an older kmsmac, or a run restricted with --tags).
const NotRun results.Status = "not run"

// Statuses is every cell status in display order.
var Statuses = append(append([]results.Status{}, results.StatusList...), NotRun)

// Input is one column: a report and the label it is shown under.
type Input struct {
	Name   string
	File   string
	Report results.JSONReport
}

// Load reads one command-line argument, "FILE" or "NAME=FILE". An
// existing file wins over the NAME= reading, so paths with '=' work. The
// label defaults to the run's target.
func Load(arg string) (Input, error) {
	name, file := "", arg
	if _, err := os.Stat(arg); err != nil {
		if n, f, ok := strings.Cut(arg, "="); ok && n != "" && f != "" {
			name, file = n, f
		}
	}
	data, err := os.ReadFile(file)
	if err != nil {
		return Input{}, err
	}
	rep, err := Parse(data)
	if err != nil {
		return Input{}, fmt.Errorf("%s: %w", file, err)
	}
	if name == "" {
		name = rep.Run.Target
	}
	if name == "" {
		name = file
	}
	return Input{Name: name, File: file, Report: rep}, nil
}

// ErrNotReport is returned for input that is not a kmsmac conform report.
var ErrNotReport = errors.New("not a kmsmac conform report (write one with: kmsmac conform --report FILE.json)")

// Parse decodes a report and checks its format version.
func Parse(data []byte) (results.JSONReport, error) {
	var head struct {
		Format string `json:"format"`
	}
	if err := json.Unmarshal(data, &head); err != nil || head.Format == "" {
		return results.JSONReport{}, ErrNotReport
	}
	if !strings.HasPrefix(head.Format, "kmsmac-conform/") {
		return results.JSONReport{}, fmt.Errorf("%w: format %q", ErrNotReport, head.Format)
	}
	if head.Format != Format {
		return results.JSONReport{}, fmt.Errorf("report format %q; this kmsmac reads %q (regenerate the report with this kmsmac)", head.Format, Format)
	}
	var rep results.JSONReport
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&rep); err != nil {
		return results.JSONReport{}, fmt.Errorf("%w: %v", ErrNotReport, err)
	}
	return rep, nil
}

// Matrix is the side-by-side table.
type Matrix struct {
	Endpoints []Endpoint
	Sections  []Section
	Totals    []Score // per endpoint, over every section
}

// Endpoint is one column header: the label and what the run says of itself.
type Endpoint struct {
	Name string
	File string
	Run  results.JSONRun
}

// Section is the rules sharing an id prefix (WIRE, MAC-SIZE, ...).
type Section struct {
	Prefix string
	Title  string // the catalogue heading, e.g. "§1 Wire protocol (awsJson1_1)"; "" when unknown
	Rules  []Row
	Scores []Score // per endpoint
}

// Row is one rule across the endpoints.
type Row struct {
	ID, Title, Level string
	Cells            []Cell // per endpoint
}

// Differs says whether the endpoints disagree on this rule.
func (r Row) Differs() bool {
	for _, c := range r.Cells[1:] {
		if c.Status != r.Cells[0].Status {
			return true
		}
	}
	return false
}

// Cell is one rule's verdict on one endpoint.
type Cell struct {
	Status    results.Status
	Scenarios map[results.Status]int
	First     *results.JSONFirst
}

// Score counts one endpoint's cells. Judged rules are those a check
// decided (passed, failed, unverified deviation); blocked, not reached,
// skipped and not run say nothing about the endpoint either way.
type Score struct {
	Passed, Judged int
	Counts         map[results.Status]int
}

func (s *Score) add(st results.Status) {
	if s.Counts == nil {
		s.Counts = map[results.Status]int{}
	}
	s.Counts[st]++
	switch st {
	case results.Passed:
		s.Passed++
		s.Judged++
	case results.Failed, results.Deviation:
		s.Judged++
	}
}

// Build lines the inputs up. Rules keep the order they have in the files
// (a rule only some files have goes after its predecessor there);
// sections appear in the order of their first rule.
func Build(inputs []Input) (*Matrix, error) {
	if len(inputs) == 0 {
		return nil, errors.New("no reports")
	}
	m := &Matrix{Totals: make([]Score, len(inputs))}
	seen := map[string]string{}
	for _, in := range inputs {
		if f, dup := seen[in.Name]; dup {
			return nil, fmt.Errorf("%s and %s are both labelled %q; name the columns with NAME=FILE", f, in.File, in.Name)
		}
		seen[in.Name] = in.File
		m.Endpoints = append(m.Endpoints, Endpoint{Name: in.Name, File: in.File, Run: in.Report.Run})
	}

	order := mergeOrder(inputs)
	rows := map[string]*Row{}
	for _, id := range order {
		rows[id] = &Row{ID: id, Cells: make([]Cell, len(inputs))}
		for i := range inputs {
			rows[id].Cells[i] = Cell{Status: NotRun}
		}
	}
	for i, in := range inputs {
		for _, r := range in.Report.Rules {
			row := rows[r.ID]
			if row.Title == "" {
				row.Title = r.Title
			}
			if row.Level == "" {
				row.Level = r.Level
			}
			row.Cells[i] = Cell{Status: r.Status, Scenarios: r.Scenarios, First: r.First}
		}
	}

	titles := SectionTitles(features.RulesMD)
	index := map[string]int{}
	for _, id := range order {
		p := Prefix(id)
		k, ok := index[p]
		if !ok {
			k = len(m.Sections)
			index[p] = k
			m.Sections = append(m.Sections, Section{Prefix: p, Title: titles[p], Scores: make([]Score, len(inputs))})
		}
		sec := &m.Sections[k]
		sec.Rules = append(sec.Rules, *rows[id])
		for i, c := range rows[id].Cells {
			sec.Scores[i].add(c.Status)
			m.Totals[i].add(c.Status)
		}
	}
	return m, nil
}

// mergeOrder is every rule id of the inputs once, in file order.
func mergeOrder(inputs []Input) []string {
	var order []string
	pos := map[string]bool{}
	for _, in := range inputs {
		at := -1 // insert unseen rules after the last rule of this file already placed
		for _, r := range in.Report.Rules {
			if pos[r.ID] {
				at = indexOf(order, r.ID)
				continue
			}
			pos[r.ID] = true
			order = append(order, "")
			copy(order[at+2:], order[at+1:])
			order[at+1] = r.ID
			at++
		}
	}
	return order
}

func indexOf(s []string, v string) int {
	for i, x := range s {
		if x == v {
			return i
		}
	}
	return -1
}

var prefixRE = regexp.MustCompile(`-[0-9]+$`)

// Prefix is a rule id's catalogue section: "MAC-SIZE" for "MAC-SIZE-3".
func Prefix(id string) string { return prefixRE.ReplaceAllString(id, "") }

var (
	headingRE = regexp.MustCompile(`^##\s+([0-9]+)\.\s+(.+?)\s*$`)
	ruleIDRE  = regexp.MustCompile(`^\|\s*([A-Z]+(?:-[A-Z]+)?-[0-9]+)\s*\|`)
)

// SectionTitles maps rule-id prefixes to the heading of the RULES.md
// section their rows are under ("§2 Request parameter constraints ..."),
// so a reader sees what MAC-SIZE is without opening the catalogue.
func SectionTitles(md string) map[string]string {
	out := map[string]string{}
	cur := ""
	for _, line := range strings.Split(md, "\n") {
		if m := headingRE.FindStringSubmatch(line); m != nil {
			cur = "§" + m[1] + " " + m[2]
			continue
		}
		if m := ruleIDRE.FindStringSubmatch(line); m != nil && cur != "" {
			if p := Prefix(m[1]); out[p] == "" {
				out[p] = cur
			}
		}
	}
	return out
}

// Rules counts the rows.
func (m *Matrix) Rules() int {
	n := 0
	for _, s := range m.Sections {
		n += len(s.Rules)
	}
	return n
}
