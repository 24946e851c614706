package managedctrl

import (
	"context"

	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// SharedLists returns c, whose lists from the cache hand out the cached
// objects themselves rather than deep copies, for callers that only read
// what they list. The state metrics list every managed resource of a kind
// every few seconds, and the ProviderConfig controller lists every usage on
// each usage's change: at 1,000 routes, copies of thousands of objects each
// time were a fifth of the live heap.
func SharedLists(c client.Client) client.Client { return sharedLists{c} }

type sharedLists struct{ client.Client }

func (c sharedLists) List(ctx context.Context, l client.ObjectList, opts ...client.ListOption) error {
	return c.Client.List(ctx, l, append(opts, client.UnsafeDisableDeepCopy)...)
}

// SharedListsManager returns mgr with its client's lists shared (see
// SharedLists), for reconcilers that take the client from the manager.
func SharedListsManager(mgr ctrl.Manager) ctrl.Manager { return sharedListsManager{mgr} }

type sharedListsManager struct{ ctrl.Manager }

func (m sharedListsManager) GetClient() client.Client { return SharedLists(m.Manager.GetClient()) }
