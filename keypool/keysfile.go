package keypool

import (
	"errors"
	"fmt"
	"os"
	"regexp"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/kmsmac/kmsmac/kmsspec"
	"github.com/kmsmac/kmsmac/target"
)

// KeysFile maps roles to keys that already exist (--keys FILE), so a run
// can use the caller's keys instead of creating its own:
//
//	hmac: {HMAC_224: <id|arn>, HMAC_256: <id|arn>}
//	encrypt: <id|arn>      # a SYMMETRIC_DEFAULT ENCRYPT_DECRYPT key
//	sign: <id|arn>         # an asymmetric SIGN_VERIFY key
//	external: <id|arn>     # an EXTERNAL-origin HMAC key without material (PendingImport)
//	aliases: {HMAC_256: alias/name}   # existing aliases of those keys (role or spec -> alias)
//	principals: [...]      # identities to sign as (keysfile_principals.go)
//
// A given key is used only by scenarios that do not change it.
type KeysFile struct {
	HMAC     map[string]string // key spec -> key id or ARN
	Encrypt  string
	Sign     string
	External string
	Aliases  map[string]string // role ("encrypt", "sign", "external") or HMAC spec -> alias name
	// Principals are the second and other-account identities (§15 scenarios).
	Principals []target.Principal
}

var (
	keyRef   = regexp.MustCompile(`^(arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key/)?(mrk-)?[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$|^(mrk-)?[0-9a-f]{32}$`)
	aliasRef = regexp.MustCompile(`^alias/[A-Za-z0-9/_-]{1,250}$`)
)

// LoadKeysFile reads and validates a keys file.
func LoadKeysFile(path string) (*KeysFile, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("--keys: %w", err)
	}
	kf, err := ParseKeysFile(data)
	if err != nil {
		return nil, fmt.Errorf("--keys %s: %w", path, err)
	}
	return kf, nil
}

// ParseKeysFile parses a keys file; errors name the line.
func ParseKeysFile(data []byte) (*KeysFile, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, err
	}
	kf := &KeysFile{HMAC: map[string]string{}, Aliases: map[string]string{}}
	if len(doc.Content) == 0 {
		return nil, errors.New("empty file: give at least one role (hmac, encrypt, sign, external)")
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return nil, fmt.Errorf("line %d: want a mapping of roles (hmac, encrypt, sign, external, aliases)", root.Line)
	}
	seen := map[string]bool{}
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		if seen[k.Value] {
			return nil, fmt.Errorf("line %d: role %q given twice", k.Line, k.Value)
		}
		seen[k.Value] = true
		var err error
		switch k.Value {
		case "hmac":
			err = keyMap(v, kf.HMAC, func(spec *yaml.Node, ref *yaml.Node) error {
				if _, ok := kmsspec.ByKeySpec(spec.Value); !ok {
					return fmt.Errorf("line %d: unknown HMAC key spec %q (HMAC_224, HMAC_256, HMAC_384, HMAC_512)", spec.Line, spec.Value)
				}
				return checkKeyRef(ref)
			})
		case "encrypt":
			kf.Encrypt, err = scalarKey(v)
		case "sign":
			kf.Sign, err = scalarKey(v)
		case "external":
			kf.External, err = scalarKey(v)
		case "principals":
			kf.Principals, err = parsePrincipals(v)
		case "aliases":
			err = keyMap(v, kf.Aliases, func(role *yaml.Node, ref *yaml.Node) error {
				_, isSpec := kmsspec.ByKeySpec(role.Value)
				if !isSpec && role.Value != "encrypt" && role.Value != "sign" && role.Value != "external" {
					return fmt.Errorf("line %d: unknown alias role %q (an HMAC key spec, encrypt, sign or external)", role.Line, role.Value)
				}
				if !aliasRef.MatchString(ref.Value) || strings.HasPrefix(ref.Value, "alias/aws/") {
					return fmt.Errorf("line %d: %q is not a customer alias name (alias/...)", ref.Line, ref.Value)
				}
				return nil
			})
		default:
			err = fmt.Errorf("line %d: unknown role %q (hmac, encrypt, sign, external, aliases, principals)", k.Line, k.Value)
		}
		if err != nil {
			return nil, err
		}
	}
	for role := range kf.Aliases {
		if kf.keyForRole(role) == "" {
			return nil, fmt.Errorf("aliases: %s has an alias but no key of that role is given", role)
		}
	}
	return kf, nil
}

func keyMap(v *yaml.Node, out map[string]string, check func(k, v *yaml.Node) error) error {
	if v.Kind != yaml.MappingNode {
		return fmt.Errorf("line %d: want a mapping", v.Line)
	}
	for i := 0; i+1 < len(v.Content); i += 2 {
		k, val := v.Content[i], v.Content[i+1]
		if val.Kind != yaml.ScalarNode {
			return fmt.Errorf("line %d: want a single value for %s", val.Line, k.Value)
		}
		if _, dup := out[k.Value]; dup {
			return fmt.Errorf("line %d: %s given twice", k.Line, k.Value)
		}
		if err := check(k, val); err != nil {
			return err
		}
		out[k.Value] = val.Value
	}
	return nil
}

func scalarKey(v *yaml.Node) (string, error) {
	if v.Kind != yaml.ScalarNode {
		return "", fmt.Errorf("line %d: want a key id or ARN", v.Line)
	}
	return v.Value, checkKeyRef(v)
}

func checkKeyRef(v *yaml.Node) error {
	if !keyRef.MatchString(v.Value) {
		return fmt.Errorf("line %d: %q is not a key id or key ARN", v.Line, v.Value)
	}
	return nil
}

// keyForRole is the key given for a role or HMAC spec.
func (kf *KeysFile) keyForRole(role string) string {
	switch role {
	case "encrypt":
		return kf.Encrypt
	case "sign":
		return kf.Sign
	case "external":
		return kf.External
	}
	return kf.HMAC[role]
}

// Roles lists the roles the file gives, sorted (for messages).
func (kf *KeysFile) Roles() []string {
	var out []string
	for spec := range kf.HMAC {
		out = append(out, "hmac."+spec)
	}
	for _, r := range []string{"encrypt", "sign", "external"} {
		if kf.keyForRole(r) != "" {
			out = append(out, r)
		}
	}
	sort.Strings(out)
	return out
}
