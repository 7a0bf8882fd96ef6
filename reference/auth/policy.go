package auth

import (
	"encoding/json"
	"fmt"
	"strings"
	"sync"

	"go.yaml.in/yaml/v3"

	"github.com/kmsmac/kmsmac/reference/awsjson"
)

// Statement is one policy statement: a key policy's (with Principal) or an
// IAM policy's (without).
type Statement struct {
	Sid       string                     `json:"Sid,omitempty" yaml:"Sid"`
	Effect    string                     `json:"Effect" yaml:"Effect"`
	Principal *Principals                `json:"Principal,omitempty" yaml:"Principal"`
	Action    List                       `json:"Action" yaml:"Action"`
	Resource  List                       `json:"Resource" yaml:"Resource"`
	Condition map[string]map[string]List `json:"Condition,omitempty" yaml:"Condition"`
	cond      []condition                `json:"-" yaml:"-"`
}

// List is a policy value that may be one string or a list of strings.
type List []string

func (l *List) UnmarshalJSON(b []byte) error {
	var one string
	if json.Unmarshal(b, &one) == nil {
		*l = List{one}
		return nil
	}
	var many []string
	if err := json.Unmarshal(b, &many); err != nil {
		return fmt.Errorf("expected a string or a list of strings")
	}
	*l = many
	return nil
}

func (l *List) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode {
		*l = List{n.Value}
		return nil
	}
	var many []string
	if err := n.Decode(&many); err != nil {
		return fmt.Errorf("expected a string or a list of strings")
	}
	*l = many
	return nil
}

// Principals is a statement's Principal: "*" or {"AWS": ARN(s)}.
type Principals struct {
	Any bool
	AWS List
}

func (p *Principals) UnmarshalJSON(b []byte) error {
	var star string
	if json.Unmarshal(b, &star) == nil {
		if star != "*" {
			return errInvalidPrincipals
		}
		p.Any = true
		return nil
	}
	var m map[string]List
	if err := json.Unmarshal(b, &m); err != nil {
		return errInvalidPrincipals
	}
	for k, v := range m {
		if k != "AWS" && k != "Service" {
			return errInvalidPrincipals
		}
		if k == "AWS" {
			p.AWS = v
		}
	}
	return nil
}

func (p Principals) MarshalJSON() ([]byte, error) {
	if p.Any {
		return []byte(`"*"`), nil
	}
	return json.Marshal(map[string]List{"AWS": p.AWS})
}

var errInvalidPrincipals = fmt.Errorf("Policy contains a statement with one or more invalid principals.")

// Policy is a key policy or an IAM policy.
type Policy struct {
	Version   string      `json:"Version,omitempty"`
	ID        string      `json:"Id,omitempty"`
	Statement []Statement `json:"Statement"`
}

type condition struct {
	op     string // lower case, without IfExists
	ifEx   bool
	key    string // lower case
	values []string
}

var operators = map[string]bool{"stringequals": true, "stringnotequals": true, "stringequalsignorecase": true,
	"stringnotequalsignorecase": true, "stringlike": true, "stringnotlike": true}

// compile checks the statements and prepares their conditions. keyPolicy
// requires a Principal in each statement.
func (p *Policy) compile(keyPolicy bool) error {
	if len(p.Statement) == 0 {
		return fmt.Errorf("the policy has no Statement")
	}
	for i := range p.Statement {
		st := &p.Statement[i]
		if st.Effect != "Allow" && st.Effect != "Deny" {
			return fmt.Errorf("statement %d: Effect must be Allow or Deny, not %q", i, st.Effect)
		}
		if keyPolicy && st.Principal == nil {
			return fmt.Errorf("statement %d has no Principal", i)
		}
		if keyPolicy && !st.Principal.Any {
			for _, a := range st.Principal.AWS {
				if a != "*" && !principalARN.MatchString(a) && !isAccountID(a) {
					return errInvalidPrincipals
				}
			}
		}
		if len(st.Action) == 0 || len(st.Resource) == 0 {
			return fmt.Errorf("statement %d: Action and Resource are required", i)
		}
		for op, kv := range st.Condition {
			lop := strings.ToLower(op)
			base, ifEx := strings.CutSuffix(lop, "ifexists")
			if !operators[base] {
				return fmt.Errorf("statement %d: condition operator %s is not one the kmsmac reference evaluates (String[Not]Equals[IgnoreCase], String[Not]Like, ...IfExists)", i, op)
			}
			for k, vals := range kv {
				st.cond = append(st.cond, condition{op: base, ifEx: ifEx, key: strings.ToLower(k), values: vals})
			}
		}
	}
	return nil
}

func isAccountID(s string) bool {
	if len(s) != 12 {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// ParseKeyPolicy compiles a key policy document, or returns the
// MalformedPolicyDocumentException KMS answers.
func ParseKeyPolicy(doc string) (*Policy, error) {
	if p, ok := cache.get(doc); ok {
		return p, nil
	}
	var p Policy
	if err := json.Unmarshal([]byte(doc), &p); err != nil {
		if err == errInvalidPrincipals || strings.Contains(err.Error(), errInvalidPrincipals.Error()) {
			return nil, malformed(errInvalidPrincipals.Error())
		}
		return nil, malformed("The policy document is not valid: " + err.Error())
	}
	if err := p.compile(true); err != nil {
		if err == errInvalidPrincipals {
			return nil, malformed(err.Error())
		}
		return nil, malformed("The policy document is not valid: " + err.Error())
	}
	cache.put(doc, &p)
	return &p, nil
}

func malformed(msg string) *awsjson.Error {
	return awsjson.ClientError("MalformedPolicyDocumentException", msg)
}

// DefaultKeyPolicy is the key policy of a key created without one: the
// account (its root, so through IAM) may do everything (AUTH-7).
func DefaultKeyPolicy(partition, account string) string {
	return `{
  "Version" : "2012-10-17",
  "Id" : "key-default-1",
  "Statement" : [ {
    "Sid" : "Enable IAM User Permissions",
    "Effect" : "Allow",
    "Principal" : {
      "AWS" : "arn:` + partition + `:iam::` + account + `:root"
    },
    "Action" : "kms:*",
    "Resource" : "*"
  } ]
}`
}

// policyCache keeps compiled key policies by text; bounded, so a client
// putting endless distinct policies cannot grow it without limit.
type policyCache struct {
	mu sync.RWMutex
	m  map[string]*Policy
}

var cache = policyCache{m: map[string]*Policy{}}

func (c *policyCache) get(doc string) (*Policy, bool) {
	c.mu.RLock()
	p, ok := c.m[doc]
	c.mu.RUnlock()
	return p, ok
}

func (c *policyCache) put(doc string, p *Policy) {
	c.mu.Lock()
	if len(c.m) >= 1024 {
		clear(c.m)
	}
	c.m[doc] = p
	c.mu.Unlock()
}
