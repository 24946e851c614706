package cloudflare

import (
	"context"
	"sync"
)

// A Registry hands every controller the same client for the same account and
// token, so that they share its caches, and the same budget for the same
// token, since Cloudflare limits requests per user, not per account. Tunnel
// write locks are shared per account, whichever token writes. Create one per
// process and pass it to every controller.
type Registry struct {
	opts options

	mu      sync.Mutex
	clients map[clientKey]*client
	budgets map[budgetKey]*budget
	locks   *keyedMutex
}

type clientKey struct{ baseURL, accountID, tokenHash string }

type budgetKey struct{ baseURL, tokenHash string }

// NewRegistry returns an empty Registry whose clients use opts.
func NewRegistry(opts ...Option) *Registry {
	o := defaultOptions()
	for _, fn := range opts {
		fn(&o)
	}
	if o.metrics == nil {
		o.metrics = NewMetrics()
	}
	return &Registry{opts: o, clients: map[clientKey]*client{}, budgets: map[budgetKey]*budget{}, locks: newKeyedMutex()}
}

// ClientFor returns the client for cfg, making it on first use. When an
// account's token changes, the client of the old token is dropped.
func (r *Registry) ClientFor(_ context.Context, cfg Config) (Client, error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	th := tokenHash(cfg.Token)
	ck := clientKey{baseURL: cfg.baseURL(), accountID: cfg.AccountID, tokenHash: th}
	bk := budgetKey{baseURL: ck.baseURL, tokenHash: th}

	r.mu.Lock()
	defer r.mu.Unlock()
	if c, ok := r.clients[ck]; ok {
		return c, nil
	}
	b, ok := r.budgets[bk]
	if !ok {
		b = r.opts.newBudget()
	}
	c, err := newClient(cfg, &r.opts, b, r.locks)
	if err != nil {
		return nil, err
	}
	for k := range r.clients {
		if k.baseURL == ck.baseURL && k.accountID == ck.accountID {
			delete(r.clients, k)
		}
	}
	r.clients[ck] = c
	r.budgets[bk] = b
	r.dropUnusedBudgets()
	return c, nil
}

func (r *Registry) dropUnusedBudgets() {
	used := map[budgetKey]bool{}
	for k := range r.clients {
		used[budgetKey{baseURL: k.baseURL, tokenHash: k.tokenHash}] = true
	}
	for k := range r.budgets {
		if !used[k] {
			delete(r.budgets, k)
		}
	}
}
