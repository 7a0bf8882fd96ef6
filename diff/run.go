package diff

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"slices"
	"sort"
	"sync"
	"time"

	"github.com/kmsmac/kmsmac/kmsspec"
)

// Config is one diff run.
type Config struct {
	A, B         string // endpoint specs: "reference" (or ""), "aws" or a URL
	Region       string // "" = us-east-1 (or the AWS config's for "aws")
	Seed         int64
	Requests     int
	Concurrency  int           // requests in flight; 0 = 4
	Ignore       []string      // difference kinds (prefixes) to leave out, e.g. "message"
	ShrinkBudget int           // request pairs spent shrinking each distinct divergence; 0 = 60
	PollTimeout  time.Duration // how long a key may take to change state; 0 = 30s
	KeepKeys     bool          // leave the keys and aliases in place
	NoImport     bool          // use generated keys even when both sides can import
	Progress     io.Writer     // setup and progress lines; nil = none
}

// SetupError is a failure before any comparison: an endpoint that cannot
// be reached or refuses to create the keys.
type SetupError struct{ Err error }

func (e *SetupError) Error() string { return e.Err.Error() }
func (e *SetupError) Unwrap() error { return e.Err }

// Run opens both endpoints, creates the keys, sends every generated
// request to both, shrinks each distinct divergence and cleans up. Its
// error is a *SetupError, or the context's error.
func Run(ctx context.Context, cfg Config) (*Report, error) {
	if cfg.Requests <= 0 {
		cfg.Requests = 300
	}
	if cfg.Concurrency <= 0 {
		cfg.Concurrency = 4
	}
	if cfg.ShrinkBudget <= 0 {
		cfg.ShrinkBudget = 60
	}
	if cfg.PollTimeout <= 0 {
		cfg.PollTimeout = 30 * time.Second
	}
	progress := cfg.Progress
	if progress == nil {
		progress = io.Discard
	}
	epA, err := Open(ctx, cfg.A, cfg.Region)
	if err != nil {
		return nil, &SetupError{fmt.Errorf("endpoint A: %w", err)}
	}
	defer epA.Close()
	epB, err := Open(ctx, cfg.B, cfg.Region)
	if err != nil {
		return nil, &SetupError{fmt.Errorf("endpoint B: %w", err)}
	}
	defer epB.Close()

	rep := &Report{Seed: cfg.Seed, Requests: cfg.Requests, ByKind: map[string]int{}}
	r := &runner{cfg: cfg}
	fmt.Fprintf(progress, "creating keys on A = %s and B = %s\n", epA, epB)
	if err := r.setup(ctx, epA, epB, rep); err != nil {
		return nil, err
	}
	if rep.ImportFallback != "" {
		fmt.Fprintln(progress, rep.ImportFallback)
	}
	defer func() {
		if cfg.KeepKeys {
			return
		}
		// Clean up even when the run was cancelled.
		cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Minute)
		defer cancel()
		for _, s := range []*side{r.a, r.b} {
			for _, p := range s.cleanup(cctx) {
				rep.Notes = append(rep.Notes, "cleanup: "+p)
			}
		}
	}()
	rep.A = info(r.a)
	rep.B = info(r.b)
	rep.MACBytesCompared = r.a.imported && r.b.imported
	if cfg.KeepKeys {
		rep.Notes = append(rep.Notes, "--keep-keys: the keys and aliases stay ("+keyList(r.a)+"; "+keyList(r.b)+")")
	}

	cases := Generate(cfg.Seed, cfg.Requests)
	fmt.Fprintf(progress, "sending %d requests to both (seed %d)\n", len(cases), cfg.Seed)
	results := make([]*Divergence, len(cases))
	var wg sync.WaitGroup
	next := make(chan int)
	for w := 0; w < cfg.Concurrency; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				results[i] = r.runCase(ctx, cases[i])
			}
		}()
	}
feed:
	for i := range cases {
		select {
		case next <- i:
		case <-ctx.Done():
			break feed
		}
	}
	close(next)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}

	rep.Groups = groupDivergences(results)
	for _, d := range results {
		if d == nil {
			rep.Agreed++
			continue
		}
		rep.Divergences = append(rep.Divergences, d)
		seen := map[string]bool{}
		for _, x := range d.Diffs {
			if !seen[x.Kind] {
				seen[x.Kind] = true
				rep.ByKind[x.Kind]++
			}
		}
	}
	if len(rep.Groups) > 0 {
		fmt.Fprintf(progress, "shrinking %d distinct divergences\n", len(rep.Groups))
	}
	for _, g := range rep.Groups {
		r.shrink(ctx, g)
	}
	return rep, ctx.Err()
}

// groupDivergences puts divergences with one cause in one group, the
// largest group first (ties in case order); nil results are agreements.
// The first divergence of each group is its example.
func groupDivergences(results []*Divergence) []*Group {
	byKey := map[string]*Group{}
	var groups []*Group
	for _, d := range results {
		if d == nil {
			continue
		}
		k := d.Cause.key()
		g := byKey[k]
		if g == nil {
			g = &Group{Signature: d.Signature, Cause: d.Cause, Kind: d.Case.Kind, ExampleCase: d.Case.ID, Example: d, key: k}
			byKey[k] = g
			groups = append(groups, g)
		}
		g.Cases = append(g.Cases, d.Case.ID)
		g.Count++
		if !slices.Contains(g.Kinds, d.Case.Kind) {
			g.Kinds = append(g.Kinds, d.Case.Kind)
		}
	}
	sort.SliceStable(groups, func(i, j int) bool { return groups[i].Count > groups[j].Count })
	for i, g := range groups {
		for _, d := range results {
			if d != nil && d.Cause.key() == g.key {
				d.Group = i + 1
			}
		}
	}
	return groups
}

type runner struct {
	cfg  Config
	a, b *side
}

// setup creates the keys on both sides, from shared imported material
// when both can import it, else generated on each side.
func (r *runner) setup(ctx context.Context, epA, epB *Endpoint, rep *Report) error {
	runID := fmt.Sprintf("%08x", rand.Uint32())
	material := keyMaterial(r.cfg.Seed)
	if r.cfg.NoImport {
		material = nil
		rep.Notes = append(rep.Notes, "--no-import: both sides use generated keys; MAC bytes are not compared (only their length)")
	}
	for {
		r.a, r.b = newSide("A", epA), newSide("B", epB)
		err := r.a.setup(ctx, runID, material, r.cfg.PollTimeout)
		if err == nil {
			err = r.b.setup(ctx, runID, material, r.cfg.PollTimeout)
		}
		var ie *errImport
		if err != nil && material != nil && errors.As(err, &ie) {
			// One line in the report, and on progress once the
			// generated keys exist (a failure then is a setup error).
			rep.ImportFallback = fmt.Sprintf("diff: %s = %s cannot import HMAC key material (%s); comparing with generated keys instead (MAC bytes are not compared)", ie.side, ie.ep, ie.reason())
			rep.Notes = append(rep.Notes, rep.ImportFallback)
			r.a.cleanup(ctx)
			r.b.cleanup(ctx)
			material = nil
			runID += "g" // fresh alias names: deleted ones may linger on real KMS
			continue
		}
		if err != nil {
			r.a.cleanup(ctx)
			r.b.cleanup(ctx)
			return &SetupError{fmt.Errorf("creating keys: %w", err)}
		}
		break
	}
	if material != nil {
		for _, s := range []*side{r.a, r.b} {
			if msg := s.checkImported(ctx); msg != "" {
				rep.Notes = append(rep.Notes, msg)
			}
		}
	}
	return nil
}

// keyMaterial derives each slot's material from the seed, as long as the
// spec's digest (the lengths real KMS accepted, IMP-12), so a run can be
// replayed with the same MACs.
func keyMaterial(seed int64) map[string][]byte {
	rng := rand.New(rand.NewPCG(uint64(seed), 0x6d6174657269616c))
	m := map[string][]byte{}
	for _, sl := range slots {
		spec, _ := kmsspec.ByKeySpec(sl.Spec)
		b := make([]byte, spec.Size)
		for i := range b {
			b[i] = byte(rng.Uint32())
		}
		m[sl.Name] = b
	}
	return m
}

func info(s *side) EndpointInfo {
	return EndpointInfo{Name: s.ep.Name, URL: s.ep.URL, Account: s.account, Region: s.region, Imported: s.imported}
}

func keyList(s *side) string {
	l := ""
	for _, sl := range slots {
		if l != "" {
			l += ", "
		}
		l += s.label + " " + sl.Name + "=" + s.keys[sl.Name].ARN
	}
	return l
}

// exchange is one request sent to both sides.
type exchange struct {
	bodyA, bodyB []byte
	a, b         Outcome
	diffs        []Difference
}

func (r *runner) exchange(ctx context.Context, req *Request) exchange {
	var x exchange
	var wg sync.WaitGroup
	one := func(s *side, body *[]byte, out *Outcome) {
		defer wg.Done()
		b, err := req.render(ctx, s)
		if err != nil {
			*out = Outcome{Error: "cannot build the request: " + err.Error()}
			return
		}
		*body = b
		resp, err := s.ep.Call(ctx, req.Op, b)
		*out = normalise(resp, err, s.names, r.a.imported && r.b.imported)
	}
	wg.Add(2)
	go one(r.a, &x.bodyA, &x.a)
	go one(r.b, &x.bodyB, &x.b)
	wg.Wait()
	x.diffs = compare(x.a, x.b, r.cfg.Ignore)
	return x
}

// runCase returns the divergence of one case, or nil when both agree.
func (r *runner) runCase(ctx context.Context, c Case) *Divergence {
	x := r.exchange(ctx, c.Req)
	if len(x.diffs) == 0 {
		return nil
	}
	return &Divergence{
		Case: c, BodyA: string(x.bodyA), BodyB: string(x.bodyB),
		A: x.a, B: x.b, Diffs: x.diffs, Signature: signature(x.a, x.b, x.diffs),
		Cause: causeOf(c.Req.Op, x.a, x.b, x.diffs),
	}
}

// sortedKinds lists the report's kinds, most frequent first.
func sortedKinds(m map[string]int) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Slice(ks, func(i, j int) bool {
		if m[ks[i]] != m[ks[j]] {
			return m[ks[i]] > m[ks[j]]
		}
		return ks[i] < ks[j]
	})
	return ks
}
