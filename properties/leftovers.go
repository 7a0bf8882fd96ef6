package properties

import (
	"context"
	"fmt"
	"slices"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
)

// leftovers collects what a check could not undo (Result.Cleanup): on real
// KMS each is a key or alias left behind, which the check must say rather
// than drop. Safe for concurrent use.
type leftovers struct {
	mu   sync.Mutex
	list []string
}

func (l *leftovers) add(format string, args ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.list = append(l.list, fmt.Sprintf(format, args...))
}

// take returns what was collected, sorted (cleanups run concurrently),
// nil if nothing.
func (l *leftovers) take() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := append([]string(nil), l.list...)
	slices.Sort(out)
	return out
}

// scheduleDeletion schedules key id for deletion and notes a failure. An
// answer that says the key is already going (KMSInvalidStateException:
// ScheduleKeyDeletion refuses only a key pending deletion) or gone
// (NotFoundException) leaves nothing behind, so it is not noted.
func (l *leftovers) scheduleDeletion(ctx context.Context, client *kms.Client, id string) {
	_, err := client.ScheduleKeyDeletion(ctx, &kms.ScheduleKeyDeletionInput{KeyId: aws.String(id), PendingWindowInDays: aws.Int32(deletionWindow)})
	if o := fromSDK(err); !o.OK() && o.Code != "KMSInvalidStateException" && o.Code != "NotFoundException" {
		l.add("key %s not scheduled for deletion: %s", id, o)
	}
}

// deleteAlias deletes alias name and notes a failure; NotFoundException
// (no such alias) leaves nothing behind.
func (l *leftovers) deleteAlias(ctx context.Context, client *kms.Client, name string) {
	_, err := client.DeleteAlias(ctx, &kms.DeleteAliasInput{AliasName: aws.String(name)})
	if o := fromSDK(err); !o.OK() && o.Code != "NotFoundException" {
		l.add("alias %s not deleted: %s", name, o)
	}
}
