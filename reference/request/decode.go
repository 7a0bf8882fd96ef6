package request

import (
	"bytes"
	"encoding/json"
	"errors"
	"maps"
	"reflect"
	"slices"
	"strings"
	"sync"
)

// Decode parses body strictly into dst (a pointer to a request struct with
// json tags): the body must be one JSON object; member names must match the
// model exactly (encoding/json alone would match "keyid" to KeyId); values
// must have the model's types; blobs must be valid base64. Every failure is
// a SerializationException. An empty body counts as {}.
func Decode(body []byte, dst any) error {
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 {
		return nil
	}
	if trimmed[0] != '{' {
		return errSerialization("The request body must be a JSON object.")
	}
	var members map[string]json.RawMessage
	if err := json.Unmarshal(trimmed, &members); err != nil {
		return errSerialization("The request body is not valid JSON.")
	}
	if err := checkMembers(members, reflect.TypeOf(dst).Elem()); err != nil {
		return err
	}
	if err := json.Unmarshal(trimmed, dst); err != nil {
		return serializationError(err)
	}
	return nil
}

// serializationError names the member whose value has the wrong type or
// is not valid base64, without echoing the value.
func serializationError(err error) error {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		field := te.Field
		if field == "" {
			return errSerialization("The request body has a value of the wrong type.")
		}
		return errSerialization("The value of member '" + field + "' has the wrong type: expected " + jsonKind(te.Type) + ".")
	}
	if strings.Contains(err.Error(), "base64") {
		return errSerialization("A blob member is not valid base64.")
	}
	return errSerialization("The request body is not valid JSON.")
}

func jsonKind(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.String:
		return "string"
	case reflect.Bool:
		return "boolean"
	case reflect.Int, reflect.Int32, reflect.Int64, reflect.Float64:
		return "number"
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 {
			return "base64 string"
		}
		return "list"
	case reflect.Map, reflect.Struct:
		return "structure"
	}
	return t.String()
}

// checkMembers verifies that every member name of an object is a field of
// struct type t, exactly, and recurses into nested structures (Tags,
// Constraints, Recipient) so they are strict too.
func checkMembers(members map[string]json.RawMessage, t reflect.Type) error {
	known := fieldNames(t)
	// Sorted, so a body with several unknown members always names the same one.
	for _, name := range slices.Sorted(maps.Keys(members)) {
		ft, ok := known[name]
		if !ok {
			return errSerialization("Unknown member '" + name + "' in the request.")
		}
		if err := checkNested(members[name], ft); err != nil {
			return err
		}
	}
	return nil
}

// checkNested applies checkMembers to struct values and lists of them.
// Values of the wrong JSON type are left to the decoder to report.
func checkNested(raw json.RawMessage, t reflect.Type) error {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch {
	case t.Kind() == reflect.Struct && t != blobType:
		var m map[string]json.RawMessage
		if json.Unmarshal(raw, &m) != nil {
			return nil
		}
		return checkMembers(m, t)
	case t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.Struct:
		var list []json.RawMessage
		if json.Unmarshal(raw, &list) != nil {
			return nil
		}
		for _, e := range list {
			if err := checkNested(e, t.Elem()); err != nil {
				return err
			}
		}
	}
	return nil
}

var blobType = reflect.TypeOf(Blob{})

var fieldCache sync.Map // reflect.Type → map[string]struct{}

// fieldNames maps the exact JSON member names of a request struct to
// their field types.
func fieldNames(t reflect.Type) map[string]reflect.Type {
	if m, ok := fieldCache.Load(t); ok {
		return m.(map[string]reflect.Type)
	}
	m := make(map[string]reflect.Type, t.NumField())
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name != "" && name != "-" {
			m[name] = f.Type
		}
	}
	fieldCache.Store(t, m)
	return m
}

// Blob is a base64 blob member that remembers whether it was present, so
// that an absent member (null) and an empty one ("") give different
// validation errors.
type Blob struct {
	Bytes   []byte
	Present bool
}

func (b *Blob) UnmarshalJSON(data []byte) error {
	if string(data) == "null" {
		return nil
	}
	if len(data) == 0 || data[0] != '"' {
		// encoding/json takes a list of numbers ([104,105]) as the bytes
		// of a []byte; the model's blob is a base64 string only, as in the
		// fast path (mac_fast.go).
		return &json.UnmarshalTypeError{Value: jsonValueKind(data), Type: reflect.TypeOf([]byte(nil))}
	}
	var v []byte
	if err := json.Unmarshal(data, &v); err != nil {
		return err
	}
	b.Bytes, b.Present = v, true
	return nil
}

// jsonValueKind names the JSON kind of a raw value, for a type error.
func jsonValueKind(data []byte) string {
	if len(data) == 0 {
		return "value"
	}
	switch data[0] {
	case '[':
		return "array"
	case '{':
		return "object"
	case 't', 'f':
		return "bool"
	}
	return "number"
}
