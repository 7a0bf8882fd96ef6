package reference

import (
	"strings"

	"github.com/kmsmac/kmsmac/reference/store"
)

func (s *Service) keyARN(id string) string {
	return s.arnPrefix + "key/" + id
}

func (s *Service) aliasARN(name string) string {
	// name is "alias/..."
	return s.arnPrefix + name
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
