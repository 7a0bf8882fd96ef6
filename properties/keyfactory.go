package properties

import (
	"context"
	"sync"

	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/kms/types"
)

// keyFactory creates the model's keys one ahead: taking a key of a kind
// (spec, origin) starts the CreateKey of the next one of that kind, so a
// sequence's CreateKey answers without waiting when the factory has one.
// A key it hands out is untouched, and its CreateKey answer is the one the
// model judges. Against real KMS (Config.Wait set) it makes each key on
// the spot: a key made ahead would have had time to become visible. Against moto, whose
// every CreateKey takes 45 ms of RSA key generation, waiting for them was
// most of the model's time. Keys never handed out are scheduled for
// deletion by close.
type keyFactory struct {
	ctx    context.Context
	client *kms.Client
	cfg    Config
	left   *leftovers

	mu   sync.Mutex
	next map[keyKind]*futureKey
	wg   sync.WaitGroup
}

type keyKind struct {
	spec   string
	origin types.OriginType
}

// futureKey is one CreateKey in flight or answered.
type futureKey struct {
	done chan struct{}
	arn  string
	err  error
}

func newKeyFactory(ctx context.Context, client *kms.Client, cfg Config, left *leftovers) *keyFactory {
	return &keyFactory{ctx: ctx, client: client, cfg: cfg, left: left, next: map[keyKind]*futureKey{}}
}

// start begins a CreateKey of kind k (f.mu held).
func (f *keyFactory) start(k keyKind) *futureKey {
	fk := &futureKey{done: make(chan struct{})}
	f.wg.Add(1)
	go func() {
		defer f.wg.Done()
		defer close(fk.done)
		fk.arn, fk.err = f.cfg.createHMACKey(f.ctx, f.client, k.spec, k.origin)
	}()
	return fk
}

// take returns a new key of the kind (its ARN, or CreateKey's error) and
// starts the next one.
func (f *keyFactory) take(spec string, origin types.OriginType) (string, error) {
	if f.cfg.Wait > 0 {
		// Real KMS: a key made ahead would have had time to show, and a
		// refused one would be charged to a later sequence; make it now.
		return f.cfg.createHMACKey(f.ctx, f.client, spec, origin)
	}
	k := keyKind{spec, origin}
	f.mu.Lock()
	fk := f.next[k]
	if fk == nil {
		fk = f.start(k)
	}
	f.next[k] = f.start(k)
	f.mu.Unlock()
	<-fk.done
	return fk.arn, fk.err
}

// close waits for the CreateKeys in flight and schedules the keys nobody
// took for deletion.
func (f *keyFactory) close() {
	f.wg.Wait()
	f.mu.Lock()
	defer f.mu.Unlock()
	ctx := context.WithoutCancel(f.ctx)
	for k, fk := range f.next {
		if fk.err == nil && fk.arn != "" {
			f.left.scheduleDeletion(ctx, f.client, keyIDOf(fk.arn))
		}
		delete(f.next, k)
	}
}
