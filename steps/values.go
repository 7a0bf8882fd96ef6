package steps

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/cucumber/godog"
)

// Request builds a JSON request object from a two-column table
// (| Member | value expression |). A member with dots ("Constraints.X")
// nests. See VOCABULARY.md for the value expressions.
func (w *World) Request(ctx context.Context, t *godog.Table) (map[string]any, error) {
	req := map[string]any{}
	if t == nil {
		return req, nil
	}
	for i, row := range t.Rows {
		if len(row.Cells) != 2 {
			return nil, fmt.Errorf("request table row %d: want | Member | value |", i+1)
		}
		name, expr := row.Cells[0].Value, row.Cells[1].Value
		if i == 0 && strings.EqualFold(name, "member") {
			continue // optional header row
		}
		v, err := w.Value(ctx, expr)
		if err != nil {
			return nil, fmt.Errorf("member %s: %w", name, err)
		}
		setPath(req, strings.Split(name, "."), v)
	}
	return req, nil
}

func setPath(m map[string]any, path []string, v any) {
	for _, p := range path[:len(path)-1] {
		sub, ok := m[p].(map[string]any)
		if !ok {
			sub = map[string]any{}
			m[p] = sub
		}
		m = sub
	}
	m[path[len(path)-1]] = v
}

var (
	macExpr = regexp.MustCompile(`^(\S+?)(?: (truncated to (\d+)|extended by (\d+)|with a bit flipped))?$`)
	repExpr = regexp.MustCompile(`^(\S+?)(?:\*(\d+))?$`)
)

// Value turns one value expression into a JSON value.
func (w *World) Value(ctx context.Context, expr string) (any, error) {
	kind, arg, hasKind := strings.Cut(expr, ":")
	if !hasKind {
		switch expr {
		case "true":
			return true, nil
		case "false":
			return false, nil
		}
		return w.Resolve(ctx, expr)
	}
	switch kind {
	case "key", "key-id":
		k, err := w.Key(arg)
		if err != nil {
			return nil, err
		}
		return k.ID, nil
	case "key-arn":
		k, err := w.Key(arg)
		if err != nil {
			return nil, err
		}
		return k.ARN, nil
	case "alias":
		return w.Alias(arg), nil
	case "alias-arn":
		return w.AliasARN(ctx, arg)
	case "blob":
		return base64.StdEncoding.EncodeToString([]byte(arg)), nil
	case "bytes":
		n, err := strconv.Atoi(arg)
		if err != nil || n < 0 {
			return nil, fmt.Errorf("bytes:%s: want a byte count", arg)
		}
		return base64.StdEncoding.EncodeToString(Pattern(n)), nil
	case "chars":
		n, err := strconv.Atoi(arg)
		if err != nil || n < 0 {
			return nil, fmt.Errorf("chars:%s: want a length", arg)
		}
		return strings.Repeat("a", n), nil
	case "sha256":
		d := sha256.Sum256([]byte(arg))
		return base64.StdEncoding.EncodeToString(d[:]), nil
	case "base64-text":
		// WIRE-5: the base64 text of N bytes sent as the blob itself, so the
		// endpoint decodes about 4N/3 bytes.
		n, err := strconv.Atoi(arg)
		if err != nil || n < 0 {
			return nil, fmt.Errorf("base64-text:%s: want a byte count", arg)
		}
		return base64.StdEncoding.EncodeToString([]byte(base64.StdEncoding.EncodeToString(Pattern(n)))), nil
	case "b64":
		return arg, nil
	case "str":
		return w.Resolve(ctx, arg)
	case "json":
		var v any
		d := json.NewDecoder(strings.NewReader(arg))
		d.UseNumber()
		if err := d.Decode(&v); err != nil {
			return nil, fmt.Errorf("json:%s: %w", arg, err)
		}
		return v, nil
	case "mac":
		return w.macValue(arg)
	case "tokens":
		return w.tokens(arg)
	}
	return w.Resolve(ctx, expr) // a plain string that happens to contain ':'
}

func (w *World) macValue(arg string) (any, error) {
	m := macExpr.FindStringSubmatch(arg)
	if m == nil {
		return nil, fmt.Errorf("mac:%s: want mac:NAME [truncated to N|extended by N|with a bit flipped]", arg)
	}
	mac, err := w.Mac(m[1])
	if err != nil {
		return nil, err
	}
	mac = append([]byte(nil), mac...)
	switch {
	case m[3] != "":
		n, _ := strconv.Atoi(m[3])
		if n > len(mac) {
			return nil, fmt.Errorf("cannot truncate a %d-byte MAC to %d", len(mac), n)
		}
		mac = mac[:n]
	case m[4] != "":
		n, _ := strconv.Atoi(m[4])
		mac = append(mac, Pattern(n)...)
	case m[2] != "":
		mac[len(mac)/2] ^= 0x01
	}
	return base64.StdEncoding.EncodeToString(mac), nil
}

// tokens:G*N is N copies of grant G's token; tokens:fake*N are N made-up,
// well-formed tokens.
func (w *World) tokens(arg string) (any, error) {
	m := repExpr.FindStringSubmatch(arg)
	if m == nil {
		return nil, fmt.Errorf("tokens:%s: want tokens:NAME or tokens:NAME*N", arg)
	}
	n := 1
	if m[2] != "" {
		n, _ = strconv.Atoi(m[2])
	}
	var tok string
	if l, ok := strings.CutPrefix(m[1], "len="); ok {
		k, err := strconv.Atoi(l)
		if err != nil || k < 0 {
			return nil, fmt.Errorf("tokens:%s: want len=N", arg)
		}
		tok = strings.Repeat("t", k)
	} else if m[1] == "fake" {
		tok = FakeGrantToken
	} else {
		g, err := w.Grant(m[1])
		if err != nil {
			return nil, err
		}
		tok = g.Token
	}
	out := make([]any, n)
	for i := range out {
		out[i] = tok
	}
	return out, nil
}

// FakeGrantToken looks like a grant token but names no grant.
const FakeGrantToken = "AQpAM2RhZTk1MGMyNTk2ZmZmMzEyYWVhOWViN2I1MWM4Mzc0MWFiYjc0ZDE1ODkyNGFlNTIzODZhMzgyZjBlNGY3NiKIAgEBAgB4Pa6VDCWW__8xKuqeuLUcg3QauzdNFYkkrlI4ajgvDkd2AAAA3zCB3AYJKoZIhvcNAQcGoIHOMIHLAgEAMIHFBgkqhkiG9w0BBwEwHgYJYIZIAWUDBAEuMBEEDLuRfYXNL3OjUqkPcAIBEICBlxvm"

// Pattern is n deterministic, non-secret bytes for messages and padding.
func Pattern(n int) []byte {
	return bytes.Repeat([]byte("kmsmac-conformance-"), n/19+1)[:n]
}

// AliasARN is the ARN of the scenario alias name, in the endpoint's
// region and the caller's account.
func (w *World) AliasARN(ctx context.Context, name string) (string, error) {
	p, a, err := w.Target.Identity(ctx)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("arn:%s:kms:%s:%s:%s", p, w.Target.Region, a, w.Alias(name)), nil
}

var placeholder = regexp.MustCompile(`<(key-arn|key-id|alias-arn|alias|other-region|region|account|partition)(?::([^>]+))?>`)

// Resolve replaces placeholders: <key-arn> (the key the last request
// named), <key-arn:K>, <key-id:K>, <alias:A>, <alias-arn:A>, <region>,
// <other-region> (a region that is not the endpoint's), <account>,
// <partition>.
func (w *World) Resolve(ctx context.Context, s string) (string, error) {
	var firstErr error
	out := placeholder.ReplaceAllStringFunc(s, func(ph string) string {
		m := placeholder.FindStringSubmatch(ph)
		v, err := w.placeholder(ctx, m[1], m[2])
		if err != nil && firstErr == nil {
			firstErr = fmt.Errorf("%s: %w", ph, err)
		}
		return v
	})
	return out, firstErr
}

func (w *World) placeholder(ctx context.Context, kind, name string) (string, error) {
	switch kind {
	case "region":
		return w.Target.Region, nil
	case "other-region":
		if w.Target.Region == "eu-west-1" {
			return "us-east-1", nil
		}
		return "eu-west-1", nil
	case "account", "partition":
		p, a, err := w.Target.Identity(ctx)
		if kind == "account" {
			return a, err
		}
		return p, err
	case "alias":
		return w.Alias(name), nil
	case "alias-arn":
		return w.AliasARN(ctx, name)
	}
	k := w.lastKey
	if name != "" {
		var err error
		if k, err = w.Key(name); err != nil {
			return "", err
		}
	}
	if k == nil {
		return "", fmt.Errorf("the last request named no key of this scenario; write <%s:NAME>", kind)
	}
	if kind == "key-id" {
		return k.ID, nil
	}
	return k.ARN, nil
}
