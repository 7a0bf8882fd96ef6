package diff

import (
	"regexp"
	"strings"
)

// Cause is what the divergences of one group share: the operation, the
// kinds of difference, each side's status and code, and each side's
// message with the request-specific parts (key names, numbers, quoted
// values) replaced, so one bug is one group and two bugs behind the same
// codes are two.
type Cause struct {
	Op       string   `json:"operation"`
	Differs  []string `json:"differs"`
	A        string   `json:"a"` // "400 ValidationException", "200" or "no answer"
	B        string   `json:"b"`
	MessageA string   `json:"message_pattern_a,omitempty"`
	MessageB string   `json:"message_pattern_b,omitempty"`
}

func causeOf(op string, a, b Outcome, ds []Difference) Cause {
	c := Cause{Op: op, A: short(a), B: short(b), MessageA: messagePattern(a), MessageB: messagePattern(b)}
	for _, d := range ds {
		c.Differs = append(c.Differs, d.Kind)
	}
	return c
}

// key is the grouping key; \x00 cannot occur in any part.
func (c Cause) key() string {
	return strings.Join([]string{c.Op, strings.Join(c.Differs, ","), c.A, c.B, c.MessageA, c.MessageB}, "\x00")
}

// messagePattern is o's error message (or transport error) as a pattern.
func messagePattern(o Outcome) string {
	switch {
	case o.Error != "":
		return pattern(o.Error)
	case o.Code == nonJSON && o.Message != nil:
		return pattern(htmlText(*o.Message))
	case o.Message != nil:
		return pattern(*o.Message)
	}
	return ""
}

var (
	// Every way a message names a key is one placeholder: whether an
	// endpoint echoes the ARN, the id or the alias is not a new cause.
	patARN         = regexp.MustCompile(`arn:aws[a-z-]*:[a-z0-9-]*:[^\s'",;)\]]*[^\s'",;)\].]`)
	patPlaceholder = regexp.MustCompile(`<(key-arn|alias-arn|key-id|alias):[a-z0-9]+>`)
	patUUID        = regexp.MustCompile(`(?i)\b(mrk-[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\b`)
	patHexID       = regexp.MustCompile(`\b[0-9a-fA-F]{16,}\b`) // a key id without hyphens
	patAlias       = regexp.MustCompile(`\balias/[A-Za-z0-9/_-]+`)
	// A quoted member path after "at" (Value 'x' at 'keyId') says which
	// member failed, so it stays; other quoted text is a value.
	patQuoted = regexp.MustCompile(`\bat '[A-Za-z0-9.\[\]]+'|'[^']*'|"[^"]*"`)
	patNumber = regexp.MustCompile(`[0-9]+`)
	patSpace  = regexp.MustCompile(`\s+`)
)

// pattern replaces the request-specific parts of a message.
func pattern(s string) string {
	s = patARN.ReplaceAllString(s, "<key>")
	s = patPlaceholder.ReplaceAllString(s, "<key>")
	s = patUUID.ReplaceAllString(s, "<key>")
	s = patHexID.ReplaceAllString(s, "<key>")
	s = patAlias.ReplaceAllString(s, "<key>")
	s = patQuoted.ReplaceAllStringFunc(s, func(m string) string {
		switch {
		case strings.HasPrefix(m, "at "):
			return m
		case m[0] == '"':
			return `"<value>"`
		}
		return "'<value>'"
	})
	s = patNumber.ReplaceAllString(s, "<n>")
	return strings.TrimSpace(patSpace.ReplaceAllString(s, " "))
}

var (
	htmlTag   = regexp.MustCompile(`<[^>]*>`)
	htmlTitle = regexp.MustCompile(`(?is)<title>([^<]*)</title>`)
)

// htmlText is an error page's title, or its text without tags; other
// text is returned as it is.
func htmlText(s string) string {
	if !strings.Contains(s, "<") {
		return s
	}
	if m := htmlTitle.FindStringSubmatch(s); m != nil && strings.TrimSpace(m[1]) != "" {
		return strings.TrimSpace(m[1])
	}
	return strings.TrimSpace(htmlTag.ReplaceAllString(s, " "))
}
