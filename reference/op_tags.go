package reference

import (
	"context"
	"github.com/kmsmac/kmsmac/reference/shapes"
	"strconv"

	"github.com/kmsmac/kmsmac/reference/request"
	"github.com/kmsmac/kmsmac/reference/store"
	"github.com/kmsmac/kmsmac/reference/tags"
)

// The tag rules live in reference/tags.
type tagJSON = tags.JSON

const maxTags = tags.Max

var (
	checkTagList   = tags.CheckList
	mergeTags      = tags.Merge
	reservedTagKey = tags.Reserved
	tagViolations  = tags.Violations
)

// taggable rejects keys pending deletion: KMS does not change their tags.
func taggable(arn string, st store.State) error {
	if st == store.PendingDeletion || st == store.PendingReplicaDeletion {
		return stateErr(arn, st)
	}
	return nil
}

// tagResource adds tags or replaces the values of existing keys.
func (s *Service) tagResource(_ context.Context, body []byte) ([]byte, error) {
	var req shapes.TagResourceRequest
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

// untagResource removes tags; keys the key does not have are ignored, as
// in KMS.
func (s *Service) untagResource(_ context.Context, body []byte) ([]byte, error) {
	var req shapes.UntagResourceRequest
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
			return nil, tags.ErrReserved()
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

// listResourceTags works in every key state. Pages hold at most 50 tags
// whatever Limit says (the model allows 1..1000; the API caps at 50); the
// marker is the key of the first tag of the next page.
func (s *Service) listResourceTags(_ context.Context, body []byte) ([]byte, error) {
	var req shapes.ListResourceTagsRequest
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
