package web

import (
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// failuresPerMinute bounds failed authentications from one address, so
// keys cannot be guessed at speed.
const failuresPerMinute = 30

// limiter keeps a token bucket per workspace and per failing address.
type limiter struct {
	perMinute int

	mu       sync.Mutex
	buckets  map[string]*bucket
	failures map[string]*bucket
	swept    time.Time
}

type bucket struct {
	lim  *rate.Limiter
	seen time.Time
}

func newLimiter(perMinute int) *limiter {
	return &limiter{perMinute: perMinute, buckets: map[string]*bucket{}, failures: map[string]*bucket{}}
}

// allow takes a token for the workspace and returns how long to wait when
// there is none.
func (l *limiter) allow(workspaceID string) time.Duration {
	return l.take(l.buckets, workspaceID, l.perMinute, true)
}

// failed records a failed authentication from ip.
func (l *limiter) failed(ip string) {
	l.take(l.failures, ip, failuresPerMinute, true)
}

// failureWait is how long ip must wait before it may try again.
func (l *limiter) failureWait(ip string) time.Duration {
	return l.take(l.failures, ip, failuresPerMinute, false)
}

func (l *limiter) take(m map[string]*bucket, key string, perMinute int, consume bool) time.Duration {
	now := time.Now()
	l.mu.Lock()
	defer l.mu.Unlock()
	l.sweep(now)
	b, ok := m[key]
	if !ok {
		if !consume {
			return 0
		}
		b = &bucket{lim: rate.NewLimiter(rate.Every(time.Minute/time.Duration(perMinute)), perMinute)}
		m[key] = b
	}
	b.seen = now
	if !consume {
		if b.lim.TokensAt(now) >= 1 {
			return 0
		}
		r := b.lim.ReserveN(now, 1)
		defer r.CancelAt(now)
		return r.DelayFrom(now)
	}
	r := b.lim.ReserveN(now, 1)
	if d := r.DelayFrom(now); d > 0 {
		r.CancelAt(now)
		return d
	}
	return 0
}

// sweep forgets buckets idle long enough to be full again.
func (l *limiter) sweep(now time.Time) {
	if now.Sub(l.swept) < time.Minute {
		return
	}
	l.swept = now
	for _, m := range []map[string]*bucket{l.buckets, l.failures} {
		for k, b := range m {
			if now.Sub(b.seen) > 2*time.Minute {
				delete(m, k)
			}
		}
	}
}
