package auth

import (
	"path"
	"strings"

	"github.com/kmsmac/kmsmac/reference/awsjson"
)

// Request is one authorization question: may Caller do Action on the key.
type Request struct {
	Caller       *Principal
	Action       string // operation name, e.g. "GenerateMac" (kms: is added)
	KeyARN       string
	KeyAccount   string
	Partition    string
	KeyPolicy    string // "" means the default key policy
	MacAlgorithm string // the kms:MacAlgorithm condition key; "" when absent
	// Granted reports whether a grant on the key gives Caller this
	// operation; consulted only when the policies do not allow it.
	Granted func() bool
}

// Authorize answers the request as KMS does: an explicit Deny (key policy
// or the caller's IAM policy) wins; otherwise the key policy must allow the
// caller, directly or through its account (then the caller's IAM policy
// must allow too), or a grant must. Cross-account callers always need
// their own IAM allow as well (AUTH-6). The error is AccessDeniedException
// in the AUTH-5 form.
func Authorize(r Request) error {
	if r.Caller == nil { // authentication off: the account itself
		return nil
	}
	doc := r.KeyPolicy
	if doc == "" {
		// The default policy's only statement: the key's account through IAM.
		if r.Caller.Account == r.KeyAccount && r.Caller.iam == nil {
			return nil
		}
		doc = DefaultKeyPolicy(r.Partition, r.KeyAccount)
	}
	kp, err := ParseKeyPolicy(doc)
	if err != nil {
		return err
	}
	action := "kms:" + r.Action
	keyDeny, direct, viaAccount := kp.evalKey(r, action)
	iamAllow, iamDeny := true, false
	if r.Caller.iam != nil {
		iamDeny, iamAllow = r.Caller.iam.evalIAM(r, action)
	}
	if keyDeny || iamDeny {
		return denied(r)
	}
	same := r.Caller.Account == r.KeyAccount
	if (same && (direct || viaAccount && iamAllow)) || (!same && (direct || viaAccount) && iamAllow) {
		return nil
	}
	if r.Granted != nil && r.Granted() {
		return nil
	}
	return denied(r)
}

// DefaultAllows is the common case, decided without building a Request:
// the default key policy and a caller of the key's account whose IAM
// policy is the default allow-all.
func DefaultAllows(c *Principal, keyAccount, keyPolicy string) bool {
	return keyPolicy == "" && c.iam == nil && c.Account == keyAccount
}

func denied(r Request) error {
	return awsjson.ClientError("AccessDeniedException",
		"User: "+r.Caller.ARN+" is not authorized to perform: kms:"+r.Action+" on resource: "+r.KeyARN)
}

// evalKey evaluates a key policy: any matching Deny, a matching Allow that
// names the caller (or "*"), a matching Allow that names its account.
func (p *Policy) evalKey(r Request, action string) (deny, direct, viaAccount bool) {
	root := "arn:" + r.Partition + ":iam::" + r.Caller.Account + ":root"
	for i := range p.Statement {
		st := &p.Statement[i]
		if !st.matches(r, action) {
			continue
		}
		d, a := false, false
		if st.Principal.Any {
			d = true
		}
		for _, pr := range st.Principal.AWS {
			switch pr {
			case "*", r.Caller.ARN:
				d = true
			case root, r.Caller.Account:
				a = true
			}
		}
		if !d && !a {
			continue
		}
		if st.Effect == "Deny" {
			return true, false, false
		}
		direct = direct || d
		viaAccount = viaAccount || a
	}
	return false, direct, viaAccount
}

// evalIAM evaluates the caller's IAM policy.
func (p *Policy) evalIAM(r Request, action string) (deny, allow bool) {
	for i := range p.Statement {
		st := &p.Statement[i]
		if !st.matches(r, action) {
			continue
		}
		if st.Effect == "Deny" {
			return true, false
		}
		allow = true
	}
	return false, allow
}

func (st *Statement) matches(r Request, action string) bool {
	if !anyMatch(st.Action, action, true) || !anyMatch(st.Resource, r.KeyARN, false) {
		return false
	}
	for _, c := range st.cond {
		if !c.holds(r) {
			return false
		}
	}
	return true
}

// anyMatch matches IAM wildcards (* and ?); actions ignore case.
func anyMatch(patterns []string, v string, fold bool) bool {
	if fold {
		v = strings.ToLower(v)
	}
	for _, p := range patterns {
		if fold {
			p = strings.ToLower(p)
		}
		if wild(p, v) {
			return true
		}
	}
	return false
}

// wild is IAM's glob: * any run (slashes included), ? one character.
func wild(p, v string) bool {
	if !strings.ContainsAny(p, "*?") {
		return p == v
	}
	// path.Match treats '/' specially; IAM does not, so match with '/' swapped out.
	ok, err := path.Match(strings.ReplaceAll(p, "/", "\x00"), strings.ReplaceAll(v, "/", "\x00"))
	return err == nil && ok
}

func (c condition) holds(r Request) bool {
	var v string
	switch c.key {
	case "kms:macalgorithm":
		v = r.MacAlgorithm
	case "aws:principalarn":
		v = r.Caller.ARN
	case "kms:calleraccount", "aws:principalaccount":
		v = r.Caller.Account
	}
	if v == "" { // the key is absent from this request
		return c.ifEx || strings.Contains(c.op, "not")
	}
	any := false
	for _, want := range c.values {
		switch c.op {
		case "stringequals", "stringnotequals":
			any = any || v == want
		case "stringequalsignorecase", "stringnotequalsignorecase":
			any = any || strings.EqualFold(v, want)
		case "stringlike", "stringnotlike":
			any = any || wild(want, v)
		}
	}
	if strings.Contains(c.op, "not") {
		return !any
	}
	return any
}
