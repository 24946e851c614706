// Package servicetoken holds the ServiceToken controller, which keeps a
// Cloudflare Access service token as its managed resource describes it and
// publishes its client ID and secret as connection details.
package servicetoken

import (
	"context"
	"time"

	corev1 "k8s.io/api/core/v1"
	kerrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/crossplane/crossplane-runtime/v2/pkg/controller"
	"github.com/crossplane/crossplane-runtime/v2/pkg/errors"
	"github.com/crossplane/crossplane-runtime/v2/pkg/meta"
	"github.com/crossplane/crossplane-runtime/v2/pkg/reconciler/managed"
	xpv2 "github.com/crossplane/crossplane/apis/v2/core/v2"

	"github.com/cfzt/cfzt/apis/v1alpha1"
	"github.com/cfzt/cfzt/provider/internal/clients/cloudflare"
	"github.com/cfzt/cfzt/provider/internal/controller/managedctrl"
)

// SetupGated adds the ServiceToken controller once its kind is served, when
// o.Gate is set, and at once otherwise. Its clients come from src.
func SetupGated(mgr ctrl.Manager, o controller.Options, src managedctrl.ClientSource) error {
	// The connection Secret is read live: a cached read just after the
	// secret was published could look empty and cause a rotation.
	secrets := mgr.GetAPIReader()
	return managedctrl.SetupGated(mgr, o, v1alpha1.ServiceTokenGroupVersionKind,
		managedctrl.Connector(src, func(_ *v1alpha1.ServiceToken, cf cloudflare.Client) managedctrl.ExternalClient[*v1alpha1.ServiceToken] {
			return &external{cf: cf, secrets: secrets}
		}),
		// crossplane-runtime's default grace period: a token created
		// twice would be a second secret, so a token that seems missing
		// just after its creation is not created again at once.
		managed.WithCreationGracePeriod(30*time.Second))
}

// Keys of the connection Secret.
const (
	KeyClientID     = "client_id"
	KeyClientSecret = "client_secret"
)

// An external keeps one Access service token as its ServiceToken describes
// it.
type external struct {
	cf cloudflare.ServiceTokens
	// secrets reads the connection Secret, to learn whether it still holds
	// the token's secret.
	secrets client.Reader
}

// Observe reads the token the external name identifies. Its name and
// duration are compared with the spec, and the connection Secret is checked
// for the client secret, which Cloudflare never returns again: when it is
// missing, Update rotates the token to obtain a new one. Observe returns
// only the client ID as connection details; publishing them merges keys
// into the Secret, so the client secret published by Create stays.
func (e *external) Observe(ctx context.Context, mg *v1alpha1.ServiceToken) (managed.ExternalObservation, error) {
	got, found, err := managedctrl.Get(ctx, mg, "service token", e.cf.GetServiceToken)
	if err != nil || !found {
		return managed.ExternalObservation{}, err
	}
	observe(mg, got)
	o := managed.ExternalObservation{
		ResourceExists:    true,
		ResourceUpToDate:  !drifted(mg.Spec.ForProvider, got),
		ConnectionDetails: managed.ConnectionDetails{KeyClientID: []byte(got.ClientID)},
	}
	if !o.ResourceUpToDate {
		return o, nil
	}
	lost, err := e.secretLost(ctx, mg)
	if err != nil {
		return managed.ExternalObservation{}, err
	}
	o.ResourceUpToDate = !lost
	return o, nil
}

// Create creates the token, or, when a token of that name exists (a create
// whose reply was lost), rotates it: its secret was never seen, and
// rotating is the only way to obtain one. Either way the client ID and
// secret are returned as connection details, once.
//
// Proceeding after a create whose result is unknown is therefore safe: the
// name (cfzt-<hostname>) is one only we give, and the find lists the
// account's tokens afresh, so the token that create made is found and
// adopted, and its connection Secret gets a secret that works, the rotated
// one; a token of any other name is never looked at; two of that name are a
// conflict rather than a reason for a third; and one is created only when
// there is none.
func (e *external) Create(ctx context.Context, mg *v1alpha1.ServiceToken) (managed.ExternalCreation, error) {
	p := mg.Spec.ForProvider
	t, created, err := managedctrl.FindOrCreate(ctx,
		func(ctx context.Context) (cloudflare.ServiceToken, error) { return e.cf.FindServiceToken(ctx, p.Name) },
		func(ctx context.Context) (cloudflare.ServiceToken, error) {
			return e.cf.CreateServiceToken(ctx, p.Name, p.Duration)
		})
	if err != nil {
		return managed.ExternalCreation{}, errors.Wrapf(err, "cannot create service token %q", p.Name)
	}
	id := t.ID
	if !created {
		if t, err = e.cf.RotateServiceToken(ctx, id, time.Time{}); err != nil {
			return managed.ExternalCreation{}, errors.Wrapf(err, "cannot rotate service token %q to obtain its secret", id)
		}
	}
	meta.SetExternalName(mg, id)
	return managed.ExternalCreation{ConnectionDetails: details(t)}, nil
}

// Update sets the token's name and duration back to the spec's and, when
// the connection Secret has lost the client secret, rotates the token and
// returns the new one.
func (e *external) Update(ctx context.Context, mg *v1alpha1.ServiceToken) (managed.ExternalUpdate, error) {
	p := mg.Spec.ForProvider
	id := meta.GetExternalName(mg)
	got, err := e.cf.GetServiceToken(ctx, id)
	if err != nil {
		return managed.ExternalUpdate{}, errors.Wrapf(err, "cannot get service token %q", id)
	}
	if drifted(p, got) {
		if got, err = e.cf.UpdateServiceToken(ctx, id, p.Name, p.Duration); err != nil {
			return managed.ExternalUpdate{}, errors.Wrapf(err, "cannot update service token %q", id)
		}
		observe(mg, got)
	}
	lost, err := e.secretLost(ctx, mg)
	if err != nil || !lost {
		return managed.ExternalUpdate{}, err
	}
	rotated, err := e.cf.RotateServiceToken(ctx, id, time.Time{})
	if err != nil {
		return managed.ExternalUpdate{}, errors.Wrapf(err, "cannot rotate service token %q to replace the secret missing from its connection Secret", id)
	}
	return managed.ExternalUpdate{ConnectionDetails: details(rotated)}, nil
}

// Delete deletes the token; one already gone is not an error.
func (e *external) Delete(ctx context.Context, mg *v1alpha1.ServiceToken) (managed.ExternalDelete, error) {
	return managedctrl.Delete(ctx, mg, e.cf.DeleteServiceToken, "cannot delete service token %q")
}

// secretLost reports whether mg's connection Secret is missing the client
// secret, as when publishing it after the create failed. A token that
// writes no connection Secret has nothing to lose.
func (e *external) secretLost(ctx context.Context, mg *v1alpha1.ServiceToken) (bool, error) {
	ref := mg.GetWriteConnectionSecretToReference()
	if ref == nil {
		return false, nil
	}
	s := &corev1.Secret{}
	err := e.secrets.Get(ctx, types.NamespacedName{Namespace: ref.Namespace, Name: ref.Name}, s)
	if kerrors.IsNotFound(err) {
		return true, nil
	}
	if err != nil {
		return false, errors.Wrapf(err, "cannot get connection Secret %s/%s", ref.Namespace, ref.Name)
	}
	return len(s.Data[KeyClientSecret]) == 0, nil
}

// drifted reports whether the token's name or duration differ from p's. A
// duration p leaves unset is Cloudflare's to choose.
func drifted(p v1alpha1.ServiceTokenParameters, got cloudflare.ServiceToken) bool {
	if got.Name != p.Name {
		return true
	}
	return p.Duration != "" && !sameDuration(p.Duration, got.Duration)
}

// sameDuration reports whether a and b are the same Go duration, such as
// 8760h and 8760h0m0s.
func sameDuration(a, b string) bool {
	if a == b {
		return true
	}
	da, errA := time.ParseDuration(a)
	db, errB := time.ParseDuration(b)
	return errA == nil && errB == nil && da == db
}

// observe records what Cloudflare says about the token in mg's status.
func observe(mg *v1alpha1.ServiceToken, t cloudflare.ServiceToken) {
	mg.Status.AtProvider.ClientID = t.ClientID
	mg.Status.AtProvider.ExpiresAt = nil
	if t.ExpiresAt != nil {
		at := metav1.NewTime(*t.ExpiresAt)
		mg.Status.AtProvider.ExpiresAt = &at
	}
	mg.SetConditions(xpv2.Available())
}

// details are the connection details of a token just created or rotated,
// the only time its secret is known.
func details(t cloudflare.ServiceToken) managed.ConnectionDetails {
	return managed.ConnectionDetails{
		KeyClientID:     []byte(t.ClientID),
		KeyClientSecret: []byte(t.ClientSecret.Reveal()),
	}
}
