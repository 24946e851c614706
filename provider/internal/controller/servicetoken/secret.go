package servicetoken

import (
	"bytes"
	"context"
	"encoding/json"
	"maps"
	"time"

	corev1 "k8s.io/api/core/v1"
	kerrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/crossplane/crossplane-runtime/v2/pkg/errors"
	"github.com/crossplane/crossplane-runtime/v2/pkg/reconciler/managed"
	"github.com/crossplane/crossplane-runtime/v2/pkg/resource"

	"github.com/cfzt/cfzt/apis/v1alpha1"
)

// Keys of the connection Secret.
const (
	KeyClientID     = "client_id"
	KeyClientSecret = "client_secret"
)

// Annotations of the connection Secret, for the workloads that use it.
const (
	// AnnotationExpiresAt is when the token stops working, RFC 3339.
	AnnotationExpiresAt = v1alpha1.AnnotationPrefix + "expires-at"
	// AnnotationPreviousClientSecretExpiresAt is when the secret before the
	// last rotation stops working, RFC 3339; there after a rotation.
	AnnotationPreviousClientSecretExpiresAt = v1alpha1.AnnotationPrefix + "previous-client-secret-expires-at"
)

// secretAnnotations are the annotations mg's connection Secret carries,
// from its status.
func secretAnnotations(mg *v1alpha1.ServiceToken) map[string]string {
	a := map[string]string{}
	if at := mg.Status.AtProvider.ExpiresAt; at != nil {
		a[AnnotationExpiresAt] = at.UTC().Format(time.RFC3339)
	}
	if at := mg.Status.AtProvider.PreviousSecretExpiresAt; at != nil {
		a[AnnotationPreviousClientSecretExpiresAt] = at.UTC().Format(time.RFC3339)
	}
	return a
}

// annotated reports whether s carries every annotation in want.
func annotated(s *corev1.Secret, want map[string]string) bool {
	have := s.GetAnnotations()
	for k, v := range want {
		if have[k] != v {
			return false
		}
	}
	return true
}

// connectionSecret reads mg's connection Secret afresh; exists is false
// when mg writes none or it does not exist.
func (e *external) connectionSecret(ctx context.Context, mg *v1alpha1.ServiceToken) (s *corev1.Secret, exists bool, err error) {
	s = &corev1.Secret{}
	ref := mg.GetWriteConnectionSecretToReference()
	if ref == nil {
		return s, false, nil
	}
	err = e.secrets.Get(ctx, types.NamespacedName{Namespace: ref.Namespace, Name: ref.Name}, s)
	if kerrors.IsNotFound(err) {
		return s, false, nil
	}
	if err != nil {
		return s, false, errors.Wrapf(err, "cannot get connection Secret %s/%s", ref.Namespace, ref.Name)
	}
	return s, true, nil
}

// annotate sets the annotations of s, mg's connection Secret, to those of
// mg's status, unless it already carries them. The data is not touched.
func (e *external) annotate(ctx context.Context, mg *v1alpha1.ServiceToken, s *corev1.Secret) error {
	want := secretAnnotations(mg)
	if e.kube == nil || annotated(s, want) {
		return nil
	}
	b, err := json.Marshal(map[string]any{"metadata": map[string]any{"annotations": want}})
	if err != nil {
		return errors.Wrap(err, "cannot encode the connection Secret's annotations")
	}
	return errors.Wrapf(e.kube.Patch(ctx, s, client.RawPatch(types.MergePatchType, b)),
		"cannot annotate connection Secret %s/%s", s.GetNamespace(), s.GetName())
}

// publish writes d and the annotations of mg's status to mg's connection
// Secret at once, creating it if need be, as crossplane-runtime's publisher
// would, so that the annotations never lag behind a new secret. The
// reconciler publishes d again after Create or Update returns (a no-op when
// this succeeded), so a failure here loses nothing: it is the caller's to
// ignore.
func (e *external) publish(ctx context.Context, mg *v1alpha1.ServiceToken, d managed.ConnectionDetails) error {
	if e.kube == nil || mg.GetWriteConnectionSecretToReference() == nil {
		return nil
	}
	s := resource.ConnectionSecretFor(mg, v1alpha1.ServiceTokenGroupVersionKind)
	s.Data = d
	want := secretAnnotations(mg)
	s.SetAnnotations(maps.Clone(want))
	err := resource.NewAPIPatchingApplicator(e.kube).Apply(ctx, s,
		resource.ConnectionSecretMustBeControllableBy(mg.GetUID()),
		resource.AllowUpdateIf(func(current, _ runtime.Object) bool {
			c, _ := current.(*corev1.Secret)
			return c == nil || !annotated(c, want) || !sameData(c.Data, d)
		}))
	if resource.IsNotAllowed(err) {
		return nil
	}
	return errors.Wrap(err, "cannot publish the connection Secret")
}

// sameData reports whether have holds every key of want, with its value.
func sameData(have, want map[string][]byte) bool {
	for k, v := range want {
		if !bytes.Equal(have[k], v) {
			return false
		}
	}
	return true
}

// keepStatus is a CriticalAnnotationUpdater that keeps what Create recorded
// in status.atProvider, which updating the annotations would otherwise
// replace with the API server's copy before the reconciler writes the
// status: the rotate value a new token starts with, its expiry for the
// connection Secret's annotations.
type keepStatus struct {
	managed.CriticalAnnotationUpdater
}

// UpdateCriticalAnnotations updates o's annotations and restores its
// status.atProvider.
func (u keepStatus) UpdateCriticalAnnotations(ctx context.Context, o client.Object) error {
	st, ok := o.(*v1alpha1.ServiceToken)
	if !ok {
		return u.CriticalAnnotationUpdater.UpdateCriticalAnnotations(ctx, o)
	}
	at := st.Status.AtProvider.DeepCopy()
	err := u.CriticalAnnotationUpdater.UpdateCriticalAnnotations(ctx, o)
	st.Status.AtProvider = *at
	return err
}

// timePtr is t as a status time.
func timePtr(t time.Time) *metav1.Time {
	mt := metav1.NewTime(t)
	return &mt
}
