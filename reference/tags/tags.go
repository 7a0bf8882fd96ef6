// Package tags is the reference's tag-list rules for CreateKey and
// TagResource/UntagResource: field validation, the reserved aws: prefix,
// duplicates and the per-key quota, with the TagException texts. It knows
// request validation and store tags, not keys, states or the Service.
package tags

import (
	"fmt"
	"strings"

	"github.com/kmsmac/kmsmac/reference/awsjson"
	"github.com/kmsmac/kmsmac/reference/request"
	"github.com/kmsmac/kmsmac/reference/store"
)

// Max is the KMS quota of tags per key (TagResource, CreateKey).
const Max = 50

// Tag errors. AWS's texts are not in rules.md; these are the ones
// LocalStack snapshots against AWS (TagException, HTTP 400).
func errTag(msg string) error { return awsjson.ClientError("TagException", msg) }

const (
	msgReservedTag  = "Tags beginning with aws: are reserved"
	msgDuplicateTag = "Duplicate tag keys"
	msgTooManyTags  = "Too many tags"
)

// ErrReserved and ErrTooMany are the TagExceptions for a reserved key and
// for a list over the quota.
func ErrReserved() error { return errTag(msgReservedTag) }
func ErrTooMany() error  { return errTag(msgTooManyTags) }

// JSON is a Tag as it arrives: both members pointers, so absent differs
// from empty.
type JSON struct {
	TagKey   *string `json:"TagKey"`
	TagValue *string `json:"TagValue"`
}

// Reserved reports the aws: prefix, which belongs to AWS in any letter case.
func Reserved(k string) bool {
	return len(k) >= 4 && strings.EqualFold(k[:4], "aws:")
}

// Violations checks Tags (TagKey 1..128 and TagValue 0..256, both
// required), with Coral element paths like 'tags.1.member.tagValue'.
func Violations(v *request.Violations, tags []JSON) {
	for i, t := range tags {
		p := fmt.Sprintf("tags.%d.member.", i+1)
		v.Str(p+"tagKey", t.TagKey, true, 1, 128)
		v.Str(p+"tagValue", t.TagValue, true, 0, 256)
	}
}

// CheckList is the one check of a request's tags, for TagResource and
// CreateKey alike: no reserved aws: key, no key twice.
func CheckList(tags []JSON) error {
	seen := make(map[string]struct{}, min(len(tags), Max+1))
	for _, t := range tags {
		if Reserved(*t.TagKey) {
			return errTag(msgReservedTag)
		}
		if _, dup := seen[*t.TagKey]; dup {
			return errTag(msgDuplicateTag)
		}
		seen[*t.TagKey] = struct{}{}
	}
	return nil
}

// Merge sets tags on top of a key's tags and applies the quota, which
// counts existing tags too; over it, the key keeps the tags it had.
func Merge(have []store.Tag, tags []JSON) ([]store.Tag, error) {
	if len(tags) > Max {
		return have, errTag(msgTooManyTags) // before building anything
	}
	for _, t := range tags {
		have = set(have, *t.TagKey, *t.TagValue)
	}
	if len(have) > Max {
		return have, errTag(msgTooManyTags)
	}
	return have, nil
}

// set replaces the value of key in place, keeping the listing order, or
// appends a new tag.
func set(tags []store.Tag, key, value string) []store.Tag {
	for i := range tags {
		if tags[i].Key == key {
			tags[i].Value = value
			return tags
		}
	}
	return append(tags, store.Tag{Key: key, Value: value})
}
