// Package cleanup removes the KMS keys that kmsmac runs left behind, found
// by the run tag every key the harness creates carries (AWS KMS
// TagResource/ListResourceTags, https://docs.aws.amazon.com/kms/latest/APIReference/).
// For each matching key it deletes the key's aliases and schedules the key
// for deletion with the shortest window KMS allows (7 days).
//
// The one thing users get wrong: KMS never deletes a key at once. A key
// "cleaned up" here is PendingDeletion for 7 days and can still be brought
// back with CancelKeyDeletion; it stops costing money only when the
// window ends.
package cleanup
