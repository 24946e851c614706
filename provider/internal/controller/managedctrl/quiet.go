package managedctrl

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"sync"

	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/crossplane/crossplane-runtime/v2/pkg/errors"
)

// quietManager is mgr as the managed reconciler sees it: with a client that
// skips a status update which would write the status the API server already
// holds.
//
// The reconciler writes a managed resource's status at the end of every
// reconcile, each poll included, whether or not it changed: at a 1-minute
// poll, one request a minute per managed resource (100 a second at 1,000
// routes), each decoded, admitted and compared by the API server before it
// finds nothing to store. Crossplane core skips such updates of composite
// resources the same way.
func quietManager(mgr ctrl.Manager) ctrl.Manager {
	return quietMgr{Manager: mgr, c: quietClient{Client: mgr.GetClient(), written: &sync.Map{}}}
}

type quietMgr struct {
	ctrl.Manager
	c quietClient
}

func (m quietMgr) GetClient() client.Client { return m.c }

// A quietClient is a client whose status updates are skipped when they
// would change nothing.
type quietClient struct {
	client.Client
	// written holds, by UID, the sum of the status this process last wrote
	// for each object it is still to write.
	written *sync.Map
}

func (c quietClient) Status() client.SubResourceWriter {
	return quietStatus{SubResourceWriter: c.Client.Status(), c: c}
}

// Update updates obj, and forgets what was written for it when that was its
// last finalizer going: it is not written again.
func (c quietClient) Update(ctx context.Context, obj client.Object, opts ...client.UpdateOption) error {
	err := c.Client.Update(ctx, obj, opts...)
	if err == nil && obj.GetDeletionTimestamp() != nil && len(obj.GetFinalizers()) == 0 {
		c.written.Delete(obj.GetUID())
	}
	return err
}

// holds reports whether the cache holds obj, at obj's version, with the
// status whose sum is sum, and sum is what this process last wrote for obj,
// if it wrote anything. A cache that has not yet seen this process's last
// write holds an older status, which may equal obj's while the API server
// holds another: that update is not skipped.
func (c quietClient) holds(ctx context.Context, obj client.Object, sum [sha256.Size]byte) bool {
	if w, ok := c.written.Load(obj.GetUID()); ok && w != sum {
		return false
	}
	cached, ok := obj.DeepCopyObject().(client.Object)
	if !ok {
		return false
	}
	if err := c.Get(ctx, types.NamespacedName{Namespace: obj.GetNamespace(), Name: obj.GetName()}, cached); err != nil {
		return false
	}
	if cached.GetResourceVersion() != obj.GetResourceVersion() {
		return false
	}
	cs, err := statusSum(cached)
	return err == nil && cs == sum
}

type quietStatus struct {
	client.SubResourceWriter
	c quietClient
}

// Update writes obj's status unless the API server already holds it.
func (s quietStatus) Update(ctx context.Context, obj client.Object, opts ...client.SubResourceUpdateOption) error {
	sum, sumErr := statusSum(obj)
	if sumErr == nil && s.c.holds(ctx, obj, sum) {
		return nil
	}
	// A failed update keeps the record of the last one that succeeded:
	// the cache may not have seen that yet.
	if err := s.SubResourceWriter.Update(ctx, obj, opts...); err != nil {
		return err
	}
	if sumErr == nil {
		s.c.written.Store(obj.GetUID(), sum)
	}
	return nil
}

// statusSum is a digest of obj's status.
func statusSum(obj runtime.Object) ([sha256.Size]byte, error) {
	u, err := runtime.DefaultUnstructuredConverter.ToUnstructured(obj)
	if err != nil {
		return [sha256.Size]byte{}, errors.Wrap(err, "cannot convert the object to read its status")
	}
	b, err := json.Marshal(u["status"])
	if err != nil {
		return [sha256.Size]byte{}, errors.Wrap(err, "cannot encode the object's status")
	}
	return sha256.Sum256(b), nil
}
