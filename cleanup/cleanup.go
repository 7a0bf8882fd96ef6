package cleanup

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/kms/types"
)

// API is the part of the KMS client cleanup uses; *kms.Client has it.
type API interface {
	ListKeys(context.Context, *kms.ListKeysInput, ...func(*kms.Options)) (*kms.ListKeysOutput, error)
	ListResourceTags(context.Context, *kms.ListResourceTagsInput, ...func(*kms.Options)) (*kms.ListResourceTagsOutput, error)
	DescribeKey(context.Context, *kms.DescribeKeyInput, ...func(*kms.Options)) (*kms.DescribeKeyOutput, error)
	ListAliases(context.Context, *kms.ListAliasesInput, ...func(*kms.Options)) (*kms.ListAliasesOutput, error)
	DeleteAlias(context.Context, *kms.DeleteAliasInput, ...func(*kms.Options)) (*kms.DeleteAliasOutput, error)
	ScheduleKeyDeletion(context.Context, *kms.ScheduleKeyDeletionInput, ...func(*kms.Options)) (*kms.ScheduleKeyDeletionOutput, error)
}

// PendingWindowDays is the shortest deletion window KMS accepts.
const PendingWindowDays = 7

// Options select the keys to remove. Exactly one of RunID and OlderThan
// is set.
type Options struct {
	TagKey    string        // the run tag's key (target.RunTagKey)
	RunID     string        // only keys whose run tag has this value
	OlderThan time.Duration // any run tag, created more than this long ago
	DryRun    bool          // list what would be done, change nothing
	Now       func() time.Time
	Log       io.Writer // one line per key as it is handled; nil discards
}

// Action is what happened to a matching key.
type Action string

const (
	Scheduled      Action = "scheduled for deletion"
	WouldSchedule  Action = "would be scheduled for deletion"
	AlreadyPending Action = "already pending deletion"
	Failed         Action = "failed"
)

// Key is one key that carried the run tag and matched the options.
type Key struct {
	ID, ARN      string
	RunID        string
	Created      time.Time
	Aliases      []string // deleted (or, in a dry run, to delete)
	Action       Action
	DeletionDate time.Time
	Err          error // set when Action is Failed
}

// Report is the outcome of a cleanup.
type Report struct {
	Scanned  int      // keys listed
	Keys     []Key    // keys that matched
	Warnings []string // keys whose tags or metadata could not be read
	DryRun   bool
}

// Count returns how many matching keys got action a.
func (r Report) Count(a Action) int {
	n := 0
	for _, k := range r.Keys {
		if k.Action == a {
			n++
		}
	}
	return n
}

// Summary is the one-line count printed at the end.
func (r Report) Summary() string {
	aliases := 0
	for _, k := range r.Keys {
		if k.Action != Failed && k.Action != AlreadyPending {
			aliases += len(k.Aliases)
		}
	}
	unread := ""
	if len(r.Warnings) > 0 {
		unread = fmt.Sprintf(" (%d keys whose tags could not be read were left alone)", len(r.Warnings))
	}
	if r.DryRun {
		return fmt.Sprintf("dry run: %d of %d keys would be scheduled for deletion, %d aliases deleted; %d already pending deletion; nothing was changed",
			r.Count(WouldSchedule), r.Scanned, aliases, r.Count(AlreadyPending)) + unread
	}
	return fmt.Sprintf("%d of %d keys scheduled for deletion (%d days), %d aliases deleted; %d already pending deletion; %d failed",
		r.Count(Scheduled), r.Scanned, PendingWindowDays, aliases, r.Count(AlreadyPending), r.Count(Failed)) + unread
}

// Run finds the keys matching o and removes them. The error is for
// failures that stop the whole cleanup (listing keys, bad options, a
// cancelled context); a key that could not be removed is in the report
// with Action Failed.
func Run(ctx context.Context, api API, o Options) (Report, error) {
	if o.TagKey == "" {
		return Report{}, errors.New("cleanup: no tag key")
	}
	if (o.RunID == "") == (o.OlderThan <= 0) {
		return Report{}, errors.New("cleanup: give exactly one of a run id and a positive age")
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	log := o.Log
	if log == nil {
		log = io.Discard
	}
	cutoff := o.Now().Add(-o.OlderThan)
	rep := Report{DryRun: o.DryRun}
	pages := kms.NewListKeysPaginator(api, &kms.ListKeysInput{})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return rep, fmt.Errorf("listing keys: %w", err)
		}
		for _, e := range page.Keys {
			rep.Scanned++
			id := aws.ToString(e.KeyId)
			run, tagged, err := runTag(ctx, api, id, o.TagKey)
			if err != nil {
				if ctx.Err() != nil {
					return rep, ctx.Err()
				}
				if !isNotFound(err) { // a key deleted meanwhile is no warning
					rep.Warnings = append(rep.Warnings, fmt.Sprintf("key %s: cannot read tags: %v", id, err))
					fmt.Fprintf(log, "warning: key %s: cannot read tags: %v\n", id, err)
				}
				continue
			}
			if !tagged || o.RunID != "" && run != o.RunID {
				continue
			}
			k, ok := handle(ctx, api, o, id, run, cutoff, log)
			if ctx.Err() != nil {
				return rep, ctx.Err()
			}
			if ok {
				rep.Keys = append(rep.Keys, k)
			}
		}
	}
	return rep, nil
}

// handle removes one tagged key; ok is false when the key does not match
// (too young, or gone).
func handle(ctx context.Context, api API, o Options, id, run string, cutoff time.Time, log io.Writer) (Key, bool) {
	k := Key{ID: id, RunID: run}
	d, err := api.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: aws.String(id)})
	if err != nil {
		if isNotFound(err) {
			return k, false
		}
		k.Action, k.Err = Failed, fmt.Errorf("DescribeKey: %w", err)
		fmt.Fprintf(log, "key %s (run %s): %v\n", id, run, k.Err)
		return k, true
	}
	md := d.KeyMetadata
	k.ARN, k.Created = aws.ToString(md.Arn), aws.ToTime(md.CreationDate)
	if o.OlderThan > 0 && !k.Created.Before(cutoff) {
		return k, false
	}
	head := fmt.Sprintf("key %s (run %s, created %s)", id, run, k.Created.UTC().Format(time.RFC3339))
	switch md.KeyState {
	case types.KeyStatePendingDeletion, types.KeyStatePendingReplicaDeletion:
		k.Action, k.DeletionDate = AlreadyPending, aws.ToTime(md.DeletionDate)
		fmt.Fprintf(log, "%s: %s, skipped\n", head, k.Action)
		return k, true
	}
	k.Aliases, err = aliases(ctx, api, id)
	if err != nil {
		k.Action, k.Err = Failed, fmt.Errorf("ListAliases: %w", err)
		fmt.Fprintf(log, "%s: %v\n", head, k.Err)
		return k, true
	}
	if o.DryRun {
		k.Action = WouldSchedule
		fmt.Fprintf(log, "%s: would delete %s and schedule deletion in %d days\n", head, aliasList(k.Aliases), PendingWindowDays)
		return k, true
	}
	var errs []error
	for _, a := range k.Aliases {
		if _, err := api.DeleteAlias(ctx, &kms.DeleteAliasInput{AliasName: aws.String(a)}); err != nil && !isNotFound(err) {
			errs = append(errs, fmt.Errorf("DeleteAlias %s: %w", a, err))
		}
	}
	// Schedule even when an alias stayed: the key is what costs money.
	s, err := api.ScheduleKeyDeletion(ctx, &kms.ScheduleKeyDeletionInput{KeyId: aws.String(id), PendingWindowInDays: aws.Int32(PendingWindowDays)})
	if err != nil {
		errs = append(errs, fmt.Errorf("ScheduleKeyDeletion: %w", err))
	} else {
		k.DeletionDate = aws.ToTime(s.DeletionDate)
	}
	if len(errs) > 0 {
		k.Action, k.Err = Failed, errors.Join(errs...)
		fmt.Fprintf(log, "%s: %v\n", head, k.Err)
		return k, true
	}
	k.Action = Scheduled
	fmt.Fprintf(log, "%s: deleted %s; deletion scheduled for %s\n", head, aliasList(k.Aliases), k.DeletionDate.UTC().Format(time.RFC3339))
	return k, true
}

// runTag returns the value of the key's tag named tagKey.
func runTag(ctx context.Context, api API, id, tagKey string) (value string, found bool, err error) {
	pages := kms.NewListResourceTagsPaginator(api, &kms.ListResourceTagsInput{KeyId: aws.String(id)})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return "", false, err
		}
		for _, t := range page.Tags {
			if aws.ToString(t.TagKey) == tagKey {
				return aws.ToString(t.TagValue), true, nil
			}
		}
	}
	return "", false, nil
}

// aliases lists the names of the aliases that point at the key.
func aliases(ctx context.Context, api API, id string) ([]string, error) {
	var names []string
	pages := kms.NewListAliasesPaginator(api, &kms.ListAliasesInput{KeyId: aws.String(id)})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return nil, err
		}
		for _, a := range page.Aliases {
			// Some emulators ignore the KeyId filter: keep only aliases that
			// name this key, never AWS's own (alias/aws/...).
			name := aws.ToString(a.AliasName)
			if aws.ToString(a.TargetKeyId) == id && !strings.HasPrefix(name, "alias/aws/") {
				names = append(names, name)
			}
		}
	}
	return names, nil
}

func aliasList(names []string) string {
	if len(names) == 0 {
		return "no aliases"
	}
	return "aliases " + strings.Join(names, ", ")
}

func isNotFound(err error) bool {
	var nf *types.NotFoundException
	return errors.As(err, &nf)
}
