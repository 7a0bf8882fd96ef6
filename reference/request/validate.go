package request

import (
	"strconv"
	"strings"
)

// Violations collects framework constraint failures so that one
// ValidationException reports all of them (rules.md VAL-FMT-1..4,
// MAC-REQ-3): "1 validation error detected: X" or
// "N validation errors detected: X; Y".
type Violations []string

// Add records that value at member failed constraint.
func (v *Violations) Add(value, member, constraint string) {
	*v = append(*v, value+" at '"+member+"' failed to satisfy constraint: "+constraint)
}

// Null records a missing required member.
func (v *Violations) Null(member string) {
	v.Add("Value null", member, "Member must not be null")
}

// Str checks a required or optional string's length (in characters, as
// the framework counts them).
func (v *Violations) Str(member string, s *string, required bool, minLen, maxLen int) {
	if s == nil {
		if required {
			v.Null(member)
		}
		return
	}
	n := len([]rune(*s))
	switch {
	case n < minLen:
		v.Add(Quote(*s), member, "Member must have length greater than or equal to "+strconv.Itoa(minLen))
	case n > maxLen:
		v.Add(Quote(*s), member, "Member must have length less than or equal to "+strconv.Itoa(maxLen))
	}
}

// Blob checks a blob's decoded length. Sensitive blobs are reported without
// their value (VAL-FMT-2); others as the Java buffer AWS prints (VM-SIZE-2).
func (v *Violations) Blob(member string, b []byte, present, required, sensitive bool, minLen, maxLen int) {
	if !present {
		if required {
			v.Null(member)
		}
		return
	}
	switch {
	case len(b) < minLen:
		v.Add(blobValue(b, sensitive), member, "Member must have length greater than or equal to "+strconv.Itoa(minLen))
	case len(b) > maxLen:
		v.Add(blobValue(b, sensitive), member, "Member must have length less than or equal to "+strconv.Itoa(maxLen))
	}
}

// blobValue is how the AWS framework prints a blob in a violation: sensitive
// members without a value (VAL-FMT-2). Built only on failure: it allocates.
func blobValue(b []byte, sensitive bool) string {
	if sensitive {
		return "Value"
	}
	n := strconv.Itoa(len(b))
	return "Value 'java.nio.HeapByteBuffer[pos=0 lim=" + n + " cap=" + n + "]'"
}

// Enum checks an enum member against its allowed values, listed in the
// order AWS lists them (VAL-FMT-3: compare as sets).
func (v *Violations) Enum(member string, s *string, required bool, allowed []string) {
	if s == nil {
		if required {
			v.Null(member)
		}
		return
	}
	for _, a := range allowed {
		if *s == a {
			return
		}
	}
	v.Add(Quote(*s), member, "Member must satisfy enum value set: ["+strings.Join(allowed, ", ")+"]")
}

// IntRange checks an optional integer.
func (v *Violations) IntRange(member string, n *int64, minV, maxV int64) {
	if n == nil {
		return
	}
	switch {
	case *n < minV:
		v.Add(Quote(strconv.FormatInt(*n, 10)), member, "Member must have value greater than or equal to "+strconv.FormatInt(minV, 10))
	case *n > maxV:
		v.Add(Quote(strconv.FormatInt(*n, 10)), member, "Member must have value less than or equal to "+strconv.FormatInt(maxV, 10))
	}
}

// GrantTokens checks the GrantTokens list: at most 10 elements, each 1..8192
// characters, elements named Coral-style 'grantTokens.N.member' (MAC-GT-2/3).
func (v *Violations) GrantTokens(toks []string) {
	if len(toks) > 10 {
		v.Add(Quote("["+strings.Join(toks, ", ")+"]"), "grantTokens", "Member must have length less than or equal to 10")
	}
	for i, t := range toks {
		t := t
		v.Str("grantTokens."+strconv.Itoa(i+1)+".member", &t, false, 1, 8192)
	}
}

// Err returns the ValidationException, or nil when nothing was violated.
func (v Violations) Err() error {
	switch len(v) {
	case 0:
		return nil
	case 1:
		return errValidation("1 validation error detected: " + v[0])
	}
	return errValidation(strconv.Itoa(len(v)) + " validation errors detected: " + strings.Join(v, "; "))
}

// Quote is how the framework prints a string value in a violation.
func Quote(s string) string { return "Value '" + s + "'" }
