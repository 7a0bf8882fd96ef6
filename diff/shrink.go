package diff

import "context"

// shrink looks for a smaller request with the same divergence: it drops
// optional members, shortens blobs and token lists and names keys by plain key id,
// keeping each change after which both sides still differ for the same
// cause (same kinds of difference, status, code and message pattern on
// each side: the same codes with another message are another cause, a
// missing member instead of too many grant tokens). It spends at most
// ShrinkBudget request pairs.
func (r *runner) shrink(ctx context.Context, g *Group) {
	cur := g.Example.Case.Req
	best := exchange{bodyA: []byte(g.Example.BodyA), bodyB: []byte(g.Example.BodyB), a: g.Example.A, b: g.Example.B, diffs: g.Example.Diffs}
	budget := r.cfg.ShrinkBudget
	for improved := true; improved && budget > 0 && ctx.Err() == nil; {
		improved = false
		for _, c := range candidates(cur) {
			if budget == 0 {
				break
			}
			budget--
			x := r.exchange(ctx, c)
			if len(x.diffs) > 0 && causeOf(c.Op, x.a, x.b, x.diffs).key() == g.key {
				cur, best, improved = c, x, true
				g.ShrinkSteps++
				break
			}
		}
	}
	g.Minimal = cur
	g.MinimalA, g.MinimalB = best.a, best.b
	g.MinimalDiffs = best.diffs
	g.MinimalBodyA, g.MinimalBodyB = string(best.bodyA), string(best.bodyB)
}

// optional members go first: removing them changes the least.
var optional = map[string]bool{"GrantTokens": true, "DryRun": true}

// candidates are the one-step simplifications of r, simplest first.
// Required members stay: without one, the request tests something else.
func candidates(r *Request) []*Request {
	var out []*Request
	without := func(i int) *Request {
		c := r.clone()
		c.Members = append(c.Members[:i:i], c.Members[i+1:]...)
		return c
	}
	with := func(i int, v Value) *Request {
		c := r.clone()
		c.Members[i].Value = v
		return c
	}
	for i, m := range r.Members {
		if optional[m.Name] {
			out = append(out, without(i))
		}
	}
	for i, m := range r.Members {
		switch v := m.Value.(type) {
		case Blob:
			for _, n := range shorter(len(v)) {
				out = append(out, with(i, v[:n:n]))
			}
		case Tokens:
			for _, n := range shorter(int(v)) {
				out = append(out, with(i, Tokens(n)))
			}
		case KeyRef:
			if v.Form != FormID {
				out = append(out, with(i, KeyRef{Slot: v.Slot, Form: FormID}))
			}
		case MacOf:
			if v.Mut == MutExtend && v.N > 1 {
				out = append(out, with(i, MacOf{Slot: v.Slot, Mut: MutExtend, N: 1}))
			}
		}
	}
	return out
}

// shorter lists lengths to try for something of length n: 1, then
// halves, then n-1 (0 is a boundary of its own and never tried).
func shorter(n int) []int {
	var l []int
	seen := map[int]bool{n: true, 0: true}
	for _, k := range []int{1, n / 2, n - 1} {
		if k > 0 && k < n && !seen[k] {
			seen[k] = true
			l = append(l, k)
		}
	}
	return l
}
