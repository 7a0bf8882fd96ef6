package reference

import (
	"context"
	"errors"
	"fmt"
	"github.com/kmsmac/kmsmac/reference/shapes"
	"sync/atomic"
	"time"

	"github.com/kmsmac/kmsmac/reference/limits"
	"github.com/kmsmac/kmsmac/reference/request"
	"github.com/kmsmac/kmsmac/reference/store"
	"github.com/kmsmac/kmsmac/reference/store/boltstore"
)

// durable is the part of a Service that outlives a request: a clock that
// scenarios can move ahead (the end of a pending-deletion window is days
// away) and, with Options.DataDir, the data file.
type durable struct {
	base    func() time.Time
	offset  atomic.Int64 // nanoseconds added to base
	backend store.Backend
}

func (d *durable) now() time.Time {
	if off := d.offset.Load(); off != 0 {
		return d.base().Add(time.Duration(off))
	}
	return d.base()
}

// Open returns a service; with opts.DataDir it holds what that directory
// keeps (and locks it until Close), else an empty store in memory.
func Open(opts Options) (*Service, error) {
	opts = opts.withDefaults()
	p := partition(opts.Region)
	s := &Service{
		partition: p,
		arnPrefix: "arn:" + p + ":kms:" + opts.Region + ":" + opts.Account + ":",
	}
	s.base = opts.Now
	opts.Now = s.durable.now
	s.opts = opts
	if err := errors.Join(opts.Limits.Validate(), opts.Quota.Validate()); err != nil {
		return nil, err
	}
	storeLimits := store.Limits{Keys: opts.Limits.KeysPerRegion, Aliases: opts.Limits.AliasesPerAccount, GrantsPerKey: opts.Limits.GrantsPerKey}
	if opts.DataDir == "" {
		s.store = store.New(opts.Now)
		s.store.SetLimits(storeLimits)
		return s, nil
	}
	db, err := boltstore.Open(opts.DataDir, boltstore.Options{})
	if err != nil {
		return nil, fmt.Errorf("--data %s: %w", opts.DataDir, err)
	}
	st, err := store.Open(db, opts.Now)
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("--data %s: cannot read %s: %w", opts.DataDir, db.Path(), err)
	}
	s.store, s.backend = st, db
	st.SetLimits(storeLimits)
	if _, err := st.Sweep(); err != nil { // windows that ended while stopped
		db.Close()
		return nil, fmt.Errorf("--data %s: %w", opts.DataDir, err)
	}
	return s, nil
}

// Close releases the data file; a service in memory has nothing to close.
// No call may run during or after Close.
func (s *Service) Close() error {
	if s.backend == nil {
		return nil
	}
	return s.backend.Close()
}

// maxAdvance bounds one AdvanceClock: far enough for any KMS window.
const maxAdvance = 10 * 365 * 24 * 3600

// advanceClock (KmsmacReference.AdvanceClock) moves the service's clock
// ahead and deletes the keys whose deletion window has then ended, before
// it answers (STATE-12's window, seen through DescribeKey).
func (s *Service) advanceClock(_ context.Context, body []byte) ([]byte, error) {
	var req shapes.AdvanceClockRequest
	if err := request.Decode(body, &req); err != nil {
		return nil, err
	}
	var v request.Violations
	v.IntRange("seconds", req.Seconds, 0, maxAdvance)
	if req.Seconds == nil {
		v.Null("seconds")
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	s.offset.Add(int64(time.Duration(*req.Seconds) * time.Second))
	n, err := s.store.Sweep()
	if err != nil {
		return nil, err
	}
	return marshal(struct {
		Now         epoch `json:"Now"`
		DeletedKeys int   `json:"DeletedKeys"`
	}{epoch(s.opts.Now()), n})
}

// sweepEvery is how often a Server looks for ended deletion windows when
// no request does (lists and writes sweep on their own).
const sweepEvery = time.Second

// startSweeper deletes keys whose window ended while nobody asked, so the
// data file does not keep them; it returns the function that stops it.
func startSweeper(svc *Service) (stop func()) {
	done, exited := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(exited)
		t := time.NewTicker(sweepEvery)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				svc.store.SweepIfDue()
			}
		}
	}()
	return func() { close(done); <-exited }
}

// storeErr turns the store's limit and save failures into their answers
// (quota names the limit, n its value); any other error becomes other,
// the operation's own answer (not found, clash).
func (s *Service) storeErr(err error, quota string, n int, other error) error {
	switch {
	case errors.Is(err, store.ErrLimit):
		return awsjsonClient("LimitExceededException", limits.Message(quota, n))
	case errors.Is(err, store.ErrPersist):
		return errInternal("The change could not be saved.")
	}
	return other
}
