package reference

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"sync"
)

// decode parses body strictly into dst (a pointer to a request struct with
// json tags): the body must be one JSON object; member names must match the
// model exactly (encoding/json alone would match "keyid" to KeyId); values
// must have the model's types; blobs must be valid base64. Every failure is
// a SerializationException. An empty body counts as {}.
func decode(body []byte, dst any) error {
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
	known := fieldNames(reflect.TypeOf(dst).Elem())
	for name := range members {
		if _, ok := known[name]; !ok {
			return errSerialization("Unknown member '" + name + "' in the request.")
		}
	}
	// DisallowUnknownFields guards nested structures (Tags, Constraints).
	dec := json.NewDecoder(bytes.NewReader(trimmed))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
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
	if strings.Contains(err.Error(), "unknown field") {
		return errSerialization("The request has an unknown member in a nested structure.")
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

var fieldCache sync.Map // reflect.Type → map[string]struct{}

// fieldNames returns the exact JSON member names of a request struct.
func fieldNames(t reflect.Type) map[string]struct{} {
	if m, ok := fieldCache.Load(t); ok {
		return m.(map[string]struct{})
	}
	m := make(map[string]struct{}, t.NumField())
	for i := range t.NumField() {
		tag := t.Field(i).Tag.Get("json")
		name, _, _ := strings.Cut(tag, ",")
		if name != "" && name != "-" {
			m[name] = struct{}{}
		}
	}
	fieldCache.Store(t, m)
	return m
}

// blob is a base64 blob member that remembers whether it was present, so
// that an absent member (null) and an empty one ("") give different
// validation errors.
type blob struct {
	b       []byte
	present bool
}

func (b *blob) UnmarshalJSON(data []byte) error {
	if string(data) == "null" {
		return nil
	}
	var v []byte
	if err := json.Unmarshal(data, &v); err != nil {
		return err
	}
	b.b, b.present = v, true
	return nil
}
