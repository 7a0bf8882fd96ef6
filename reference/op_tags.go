package reference

import (
	"context"
	"strconv"
	"strings"

	"github.com/kmsmac/kmsmac/reference/request"
	"github.com/kmsmac/kmsmac/reference/store"
)

// maxTags is the KMS quota of tags per key (TagResource, CreateKey).
const maxTags = 50

// Tag errors. AWS's texts are not in rules.md; these are the ones
// LocalStack snapshots against AWS (TagException, HTTP 400).
func errTag(msg string) error { return awsjsonClient("TagException", msg) }

const (
	msgReservedTag  = "Tags beginning with aws: are reserved"
	msgDuplicateTag = "Duplicate tag keys"
	msgTooManyTags  = "Too many tags"
)

// reservedTagKey: the aws: prefix belongs to AWS in any letter case.
func reservedTagKey(k string) bool {
	return len(k) >= 4 && strings.EqualFold(k[:4], "aws:")
}

// taggable rejects keys pending deletion: KMS does not change their tags.
func taggable(arn string, st store.State) error {
	if st == store.PendingDeletion || st == store.PendingReplicaDeletion {
		return stateErr(arn, st)
	}
	return nil
}

type tagResourceRequest struct {
	KeyId *string    `json:"KeyId"`
	Tags  *[]tagJSON `json:"Tags"` // a pointer: absent and [] differ
}

// tagResource adds tags or replaces the values of existing keys.
func (s *Service) tagResource(_ context.Context, body []byte) ([]byte, error) {
	var req tagResourceRequest
	view, err := s.decodeKeyed(body, &req, &req.KeyId, keysOnly, func(v *request.Violations) {
		if req.Tags == nil {
			v.Null("tags")
		} else {
			tagViolations(v, *req.Tags)
		}
	})
	if err != nil {
		return nil, err
	}
	k := view.Key
	if err := checkTagList(*req.Tags); err != nil {
		return nil, err
	}
	return s.updateNoOutput(k, func(m *store.Mutable) error {
		if err := taggable(k.ARN, m.State); err != nil {
			return err
		}
		var err error
		m.Tags, err = mergeTags(m.Tags, *req.Tags)
		return err
	})
}

// checkTagList is the one check of a request's tags, for TagResource and
// CreateKey alike: no reserved aws: key, no key twice.
func checkTagList(tags []tagJSON) error {
	seen := make(map[string]struct{}, min(len(tags), maxTags+1))
	for _, t := range tags {
		if reservedTagKey(*t.TagKey) {
			return errTag(msgReservedTag)
		}
		if _, dup := seen[*t.TagKey]; dup {
			return errTag(msgDuplicateTag)
		}
		seen[*t.TagKey] = struct{}{}
	}
	return nil
}

// mergeTags sets tags on top of a key's tags and applies the quota, which
// counts existing tags too; over it, the key keeps the tags it had.
func mergeTags(have []store.Tag, tags []tagJSON) ([]store.Tag, error) {
	if len(tags) > maxTags {
		return have, errTag(msgTooManyTags) // before building anything
	}
	for _, t := range tags {
		have = setTag(have, *t.TagKey, *t.TagValue)
	}
	if len(have) > maxTags {
		return have, errTag(msgTooManyTags)
	}
	return have, nil
}

// setTag replaces the value of key in place, keeping the listing order,
// or appends a new tag.
func setTag(tags []store.Tag, key, value string) []store.Tag {
	for i := range tags {
		if tags[i].Key == key {
			tags[i].Value = value
			return tags
		}
	}
	return append(tags, store.Tag{Key: key, Value: value})
}

type untagResourceRequest struct {
	KeyId   *string   `json:"KeyId"`
	TagKeys *[]string `json:"TagKeys"`
}

// untagResource removes tags; keys the key does not have are ignored, as
// in KMS.
func (s *Service) untagResource(_ context.Context, body []byte) ([]byte, error) {
	var req untagResourceRequest
	view, err := s.decodeKeyed(body, &req, &req.KeyId, keysOnly, func(v *request.Violations) {
		if req.TagKeys == nil {
			v.Null("tagKeys")
		} else {
			for i, tk := range *req.TagKeys {
				v.Str("tagKeys."+strconv.Itoa(i+1)+".member", &tk, true, 1, 128)
			}
		}
	})
	if err != nil {
		return nil, err
	}
	k := view.Key
	drop := make(map[string]bool, len(*req.TagKeys))
	for _, tk := range *req.TagKeys {
		if reservedTagKey(tk) {
			return nil, errTag(msgReservedTag)
		}
		drop[tk] = true
	}
	return s.updateNoOutput(k, func(m *store.Mutable) error {
		if err := taggable(k.ARN, m.State); err != nil {
			return err
		}
		kept := m.Tags[:0]
		for _, t := range m.Tags {
			if !drop[t.Key] {
				kept = append(kept, t)
			}
		}
		m.Tags = kept
		return nil
	})
}

type listResourceTagsRequest struct {
	KeyId  *string `json:"KeyId"`
	Limit  *int64  `json:"Limit"`
	Marker *string `json:"Marker"`
}

// listResourceTags works in every key state. Pages hold at most 50 tags
// whatever Limit says (the model allows 1..1000; the API caps at 50); the
// marker is the key of the first tag of the next page.
func (s *Service) listResourceTags(_ context.Context, body []byte) ([]byte, error) {
	var req listResourceTagsRequest
	view, err := s.decodeKeyed(body, &req, &req.KeyId, keysOnly, func(v *request.Violations) {
		v.IntRange("limit", req.Limit, 1, 1000)
		v.Str("marker", req.Marker, false, 1, 1024)
	})
	if err != nil {
		return nil, err
	}
	_, m, ok := s.store.Snapshot(view.Key.ID)
	if !ok {
		return nil, errKeyNotFound(view.Key.ARN)
	}
	start, err := pageStart(m.Tags, req.Marker, func(t store.Tag) string { return t.Key })
	if err != nil {
		return nil, err
	}
	limit := maxTags
	if req.Limit != nil && *req.Limit < maxTags {
		limit = int(*req.Limit)
	}
	end := min(start+limit, len(m.Tags))
	out := struct {
		Tags       []tagJSON `json:"Tags"`
		NextMarker string    `json:"NextMarker,omitempty"`
		Truncated  bool      `json:"Truncated"`
	}{Tags: make([]tagJSON, 0, end-start)}
	for _, t := range m.Tags[start:end] {
		out.Tags = append(out.Tags, tagJSON{TagKey: &t.Key, TagValue: &t.Value})
	}
	if end < len(m.Tags) {
		out.NextMarker, out.Truncated = m.Tags[end].Key, true
	}
	return marshal(out)
}
