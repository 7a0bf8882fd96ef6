package reference

import (
	"strings"

	"github.com/kmsmac/kmsmac/reference/store"
)

// partition returns the ARN partition of a region.
func partition(region string) string {
	switch {
	case strings.HasPrefix(region, "cn-"):
		return "aws-cn"
	case strings.HasPrefix(region, "us-gov-"):
		return "aws-us-gov"
	}
	return "aws"
}

func (s *Service) keyARN(id string) string {
	return s.arnPrefix + "key/" + id
}

func (s *Service) aliasARN(name string) string {
	// name is "alias/..."
	return s.arnPrefix + name
}

// isKeyID reports whether v is a canonical hyphenated UUID or a
// multi-Region id (mrk- + 32 hex), KID-2. Hex case is not checked: an
// upper-case id is well formed and simply not found (AMB-11).
func isKeyID(v string) bool {
	if rest, ok := strings.CutPrefix(v, "mrk-"); ok {
		return len(rest) == 32 && isHex(rest)
	}
	if len(v) != 36 {
		return false
	}
	for i := 0; i < 36; i++ {
		c := v[i]
		if i == 8 || i == 13 || i == 18 || i == 23 {
			if c != '-' {
				return false
			}
		} else if !hexDigit(c) {
			return false
		}
	}
	return true
}

func isHex(s string) bool {
	for i := 0; i < len(s); i++ {
		if !hexDigit(s[i]) {
			return false
		}
	}
	return true
}

func hexDigit(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// idForms says which KeyId forms an operation accepts.
type idForms int

const (
	keysOnly    idForms = iota // key ID or key ARN (key management, import)
	withAliases                // also alias name and alias ARN (crypto ops, DescribeKey)
)

// resolve finds the key named by v (KID-1..11). For key-only operations an
// alias is an invalid key id.
func (s *Service) resolve(v string, forms idForms) (store.View, error) {
	if rest, ok := strings.CutPrefix(v, "arn:"); ok {
		return s.resolveARN(v, rest, forms)
	}
	if strings.HasPrefix(v, "alias/") && forms == withAliases {
		view, ok := s.store.LookupAlias(v)
		if !ok {
			return store.View{}, errAliasNotFound(s.aliasARN(v))
		}
		return view, nil
	}
	if !isKeyID(v) {
		return store.View{}, errInvalidKeyID(v)
	}
	view, ok := s.store.Lookup(v)
	if !ok {
		return store.View{}, errKeyNotFound(s.keyARN(v))
	}
	return view, nil
}

// resolveARN handles arn:<partition>:kms:<region>:<account>:key/<id> and
// ...:alias/<name>. An ARN of another region is "Invalid arn <region>"
// (KID-9); another account or partition simply has no such key here.
func (s *Service) resolveARN(v, rest string, forms idForms) (store.View, error) {
	parts := strings.SplitN(rest, ":", 5) // partition, service, region, account, resource
	if len(parts) != 5 || parts[1] != "kms" || parts[0] == "" {
		return store.View{}, errInvalidKeyID(v)
	}
	region, account, resource := parts[2], parts[3], parts[4]
	isAlias := strings.HasPrefix(resource, "alias/")
	id, isKey := strings.CutPrefix(resource, "key/")
	switch {
	case isKey && !isKeyID(id), !isKey && !isAlias, isAlias && forms == keysOnly:
		return store.View{}, errInvalidKeyID(v)
	case region != s.opts.Region:
		return store.View{}, errNotFound("Invalid arn " + region)
	}
	local := parts[0] == s.partition && account == s.opts.Account
	if isAlias {
		if local {
			if view, ok := s.store.LookupAlias(resource); ok {
				return view, nil
			}
		}
		return store.View{}, errAliasNotFound(v)
	}
	if local {
		if view, ok := s.store.Lookup(id); ok {
			return view, nil
		}
	}
	return store.View{}, errKeyNotFound(v)
}
