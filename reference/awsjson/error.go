package awsjson

import "net/http"

// Error is an AWS error as it travels on the wire: the bare shape name in
// __type, an optional lower-case message, and the HTTP status. The service
// returns *Error for every failure; the transport writes it unchanged.
type Error struct {
	Type    string // bare shape name, e.g. "NotFoundException"
	Message string
	// NoMessage omits the message member entirely (KMSInvalidMacException
	// carries only __type, rules.md WIRE-10).
	NoMessage bool
	// Status is 400 for client errors, 500 for server faults (WIRE-11).
	// 0 is sent as 400; any other non-4xx/5xx value as 500.
	Status int
}

func (e *Error) Error() string {
	if e.NoMessage || e.Message == "" {
		return e.Type
	}
	return e.Type + ": " + e.Message
}

// ClientError is a 400 error with a message.
func ClientError(typ, msg string) *Error {
	return &Error{Type: typ, Message: msg, Status: http.StatusBadRequest}
}

// ServerError is a 500 error with a message.
func ServerError(typ, msg string) *Error {
	return &Error{Type: typ, Message: msg, Status: http.StatusInternalServerError}
}
