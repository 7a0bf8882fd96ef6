package awsjson

import (
	"net/http"
	"strconv"
	"unicode/utf8"
)

// writeError writes e as an awsJson error body and returns the status and
// error code sent (for the log). Headers common to every response are
// already set by the handler.
func writeError(w http.ResponseWriter, e *Error) (int, string) {
	status := e.status()
	body := AppendErrorBody(make([]byte, 0, 64+len(e.Type)+len(e.Message)), e)
	w.Header()["Content-Length"] = []string{strconv.Itoa(len(body))}
	w.WriteHeader(status)
	w.Write(body)
	return status, e.Type
}

// status is the HTTP status to send: Status when it is an error status; a
// zero Status (an Error built as a literal) counts as a client error.
func (e *Error) status() int {
	switch {
	case e.Status == 0:
		return http.StatusBadRequest
	case e.Status < 400 || e.Status > 599:
		return http.StatusInternalServerError
	}
	return e.Status
}

// AppendErrorBody appends the JSON error body of e to dst:
// {"__type":"<Type>","message":"<Message>"}, or {"__type":"<Type>"} when
// NoMessage is set (WIRE-8, WIRE-10).
func AppendErrorBody(dst []byte, e *Error) []byte {
	dst = append(dst, `{"__type":`...)
	dst = AppendString(dst, e.Type)
	if !e.NoMessage {
		dst = append(dst, `,"message":`...)
		dst = AppendString(dst, e.Message)
	}
	return append(dst, '}')
}

const hexDigits = "0123456789abcdef"

// AppendString appends s as a JSON string. Invalid UTF-8 becomes U+FFFD, as
// encoding/json does, so the output is always valid JSON.
func AppendString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch c {
			case '"', '\\':
				dst = append(dst, '\\', c)
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
			i++
			start = i
			continue
		}
		// U+2028/2029 are valid JSON but break JavaScript consumers.
		if r == '\u2028' || r == '\u2029' {
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}
