package keypool

import (
	"fmt"
	"regexp"

	"go.yaml.in/yaml/v3"

	"github.com/kmsmac/kmsmac/target"
)

// principalARN is an IAM identity ARN: arn:<partition>:iam::<account>:<what>.
var principalARN = regexp.MustCompile(`^arn:aws[a-z-]*:iam::\d{12}:(user|role|assumed-role)/\S+$`)

// parsePrincipals reads the keys file's `principals:` list, the identities
// the harness signs as for the permission scenarios (rules.md §15):
//
//	principals:
//	  - role: second              # another principal of the harness's account
//	    arn: arn:aws:iam::111122223333:user/kmsmac-second
//	    access_key_id: AKIA...
//	    secret_access_key: ...
//	  - role: other-account       # a principal of another account
//	    arn: arn:aws:iam::444455556666:user/kmsmac-other
//	    access_key_id: AKIA...
//	    secret_access_key: ...
//
// Without them those scenarios are blocked, never failed.
func parsePrincipals(v *yaml.Node) ([]target.Principal, error) {
	if v.Kind != yaml.SequenceNode {
		return nil, fmt.Errorf("line %d: principals: want a list of {role, arn, access_key_id, secret_access_key}", v.Line)
	}
	var out []target.Principal
	seen := map[string]bool{}
	for _, n := range v.Content {
		var p target.Principal
		if err := n.Decode(&p); err != nil {
			return nil, fmt.Errorf("line %d: principals: %w", n.Line, err)
		}
		// Decode ignores unknown fields; a misspelt one would leave a key empty.
		for i := 0; n.Kind == yaml.MappingNode && i+1 < len(n.Content); i += 2 {
			switch k := n.Content[i]; k.Value {
			case "role", "arn", "access_key_id", "secret_access_key":
			default:
				return nil, fmt.Errorf("line %d: principals: unknown field %q (role, arn, access_key_id, secret_access_key)", k.Line, k.Value)
			}
		}
		switch {
		case p.Role != target.RoleSecond && p.Role != target.RoleOtherAccount:
			return nil, fmt.Errorf("line %d: principals: role %q: want %s or %s", n.Line, p.Role, target.RoleSecond, target.RoleOtherAccount)
		case seen[p.Role]:
			return nil, fmt.Errorf("line %d: principals: role %s given twice", n.Line, p.Role)
		case !principalARN.MatchString(p.ARN):
			return nil, fmt.Errorf("line %d: principals: %q is not an IAM user or role ARN (arn:aws:iam::<account>:user/<name>)", n.Line, p.ARN)
		case p.AccessKeyID == "" || p.SecretAccessKey == "":
			return nil, fmt.Errorf("line %d: principals: %s needs access_key_id and secret_access_key", n.Line, p.Role)
		}
		seen[p.Role] = true
		out = append(out, p)
	}
	if len(out) == 2 && out[0].Account() == out[1].Account() {
		return nil, fmt.Errorf("principals: the %s principal must be of another account than the %s one (both %s)", target.RoleOtherAccount, target.RoleSecond, out[0].Account())
	}
	return out, nil
}
