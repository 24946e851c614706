package servicetoken

import (
	"context"
	"time"

	corev1 "k8s.io/api/core/v1"
	kerrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"

	xpv2 "github.com/crossplane/crossplane/apis/v2/core/v2"

	"github.com/crossplane/crossplane-runtime/v2/pkg/errors"
	"github.com/crossplane/crossplane-runtime/v2/pkg/meta"
	"github.com/crossplane/crossplane-runtime/v2/pkg/reconciler/managed"

	"github.com/cfzt/cfzt/apis/v1alpha1"
	"github.com/cfzt/cfzt/provider/internal/clients/cloudflare"
)

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
	id := meta.GetExternalName(mg)
	if id == "" {
		return managed.ExternalObservation{}, nil
	}
	got, err := e.cf.GetServiceToken(ctx, id)
	if cloudflare.IsNotFound(err) {
		return managed.ExternalObservation{}, nil
	}
	if err != nil {
		return managed.ExternalObservation{}, errors.Wrapf(err, "cannot get service token %q", id)
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
func (e *external) Create(ctx context.Context, mg *v1alpha1.ServiceToken) (managed.ExternalCreation, error) {
	p := mg.Spec.ForProvider
	found, err := e.cf.FindServiceToken(ctx, p.Name)
	if err == nil {
		rotated, err := e.cf.RotateServiceToken(ctx, found.ID)
		if err != nil {
			return managed.ExternalCreation{}, errors.Wrapf(err, "cannot rotate service token %q to obtain its secret", found.ID)
		}
		meta.SetExternalName(mg, found.ID)
		return managed.ExternalCreation{ConnectionDetails: details(rotated)}, nil
	}
	if !cloudflare.IsNotFound(err) {
		return managed.ExternalCreation{}, errors.Wrapf(err, "cannot create service token %q", p.Name)
	}
	created, err := e.cf.CreateServiceToken(ctx, p.Name, p.Duration)
	if err != nil {
		return managed.ExternalCreation{}, errors.Wrapf(err, "cannot create service token %q", p.Name)
	}
	meta.SetExternalName(mg, created.ID)
	return managed.ExternalCreation{ConnectionDetails: details(created)}, nil
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
	rotated, err := e.cf.RotateServiceToken(ctx, id)
	if err != nil {
		return managed.ExternalUpdate{}, errors.Wrapf(err, "cannot rotate service token %q to replace the secret missing from its connection Secret", id)
	}
	return managed.ExternalUpdate{ConnectionDetails: details(rotated)}, nil
}

// Delete deletes the token; one already gone is not an error.
func (e *external) Delete(ctx context.Context, mg *v1alpha1.ServiceToken) (managed.ExternalDelete, error) {
	mg.SetConditions(xpv2.Deleting())
	id := meta.GetExternalName(mg)
	if id == "" {
		return managed.ExternalDelete{}, nil
	}
	if err := e.cf.DeleteServiceToken(ctx, id); err != nil && !cloudflare.IsNotFound(err) {
		return managed.ExternalDelete{}, errors.Wrapf(err, "cannot delete service token %q", id)
	}
	return managed.ExternalDelete{}, nil
}

// Disconnect does nothing: the Cloudflare client is shared.
func (e *external) Disconnect(_ context.Context) error {
	return nil
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
