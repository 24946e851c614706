// Package config holds the ProviderConfig controller, which counts the
// managed resources using each ProviderConfig and keeps it from being deleted
// while any does, and the Connector every managed resource controller uses to
// turn a managed resource's ProviderConfig into a Cloudflare client.
package config

import (
	"context"
	"strings"

	"k8s.io/apimachinery/pkg/types"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/crossplane/crossplane-runtime/v2/pkg/controller"
	"github.com/crossplane/crossplane-runtime/v2/pkg/errors"
	"github.com/crossplane/crossplane-runtime/v2/pkg/event"
	"github.com/crossplane/crossplane-runtime/v2/pkg/reconciler/providerconfig"
	"github.com/crossplane/crossplane-runtime/v2/pkg/resource"

	"github.com/cfzt/cfzt/apis/v1alpha1"
	"github.com/cfzt/cfzt/provider/internal/clients/cloudflare"
	"github.com/cfzt/cfzt/provider/internal/controller/managedctrl"
)

// Setup adds the ProviderConfig controller.
func Setup(mgr ctrl.Manager, o controller.Options) error {
	name := providerconfig.ControllerName(v1alpha1.ProviderConfigGroupVersionKind.GroupKind().String())
	of := resource.ProviderConfigKinds{
		Config:    v1alpha1.ProviderConfigGroupVersionKind,
		Usage:     v1alpha1.ProviderConfigUsageGroupVersionKind,
		UsageList: v1alpha1.ProviderConfigUsageListGroupVersionKind,
	}
	// The reconciler lists every usage of the ProviderConfig on each
	// usage's change, and only counts them.
	r := providerconfig.NewReconciler(managedctrl.SharedListsManager(mgr), of,
		providerconfig.WithLogger(o.Logger.WithValues("controller", name)),
		providerconfig.WithRecorder(event.NewAPIRecorder(mgr.GetEventRecorderFor(name)))) //nolint:staticcheck // crossplane-runtime's recorder takes the old events API.

	return ctrl.NewControllerManagedBy(mgr).
		Named(name).
		WithOptions(o.ForControllerRuntime()).
		For(&v1alpha1.ProviderConfig{}).
		Watches(&v1alpha1.ProviderConfigUsage{}, &resource.EnqueueRequestForProviderConfig{}).
		Complete(r)
}

// A Connector gives a managed resource the Cloudflare client of its
// ProviderConfig's account. Every controller shares one Connector, and so
// one client, budget and cache per account.
type Connector struct {
	kube     client.Client
	usage    resource.LegacyTracker
	registry *cloudflare.Registry
	baseURL  string
}

// NewConnector returns a Connector that reads ProviderConfigs and their
// credentials through kube and gets clients from registry. baseURL is used
// for ProviderConfigs that name no API base URL.
func NewConnector(kube client.Client, registry *cloudflare.Registry, baseURL string) *Connector {
	return &Connector{
		kube:     kube,
		usage:    resource.NewLegacyProviderConfigUsageTracker(kube, &v1alpha1.ProviderConfigUsage{}),
		registry: registry,
		baseURL:  baseURL,
	}
}

// Client records that mg uses its ProviderConfig, then returns the client
// for that ProviderConfig's account and token.
func (c *Connector) Client(ctx context.Context, mg managedctrl.Managed) (cloudflare.Client, error) {
	if err := c.usage.Track(ctx, mg); err != nil {
		return nil, errors.Wrap(err, "cannot track ProviderConfig usage")
	}
	ref := mg.GetProviderConfigReference()
	pc := &v1alpha1.ProviderConfig{}
	if err := c.kube.Get(ctx, types.NamespacedName{Name: ref.Name}, pc); err != nil {
		return nil, errors.Wrapf(err, "cannot get ProviderConfig %q", ref.Name)
	}
	cd := pc.Spec.Credentials
	token, err := resource.CommonCredentialExtractor(ctx, cd.Source, c.kube, cd.CommonCredentialSelectors)
	if err != nil {
		return nil, errors.Wrapf(err, "cannot read the API token of ProviderConfig %q", ref.Name)
	}
	// A token pasted with its newline would be sent as is and refused.
	t := strings.TrimSpace(string(token))
	if t == "" {
		return nil, errors.Errorf("ProviderConfig %q has an empty API token: put a Cloudflare API token in its credentials", ref.Name)
	}
	baseURL := pc.Spec.BaseURL
	if baseURL == "" {
		baseURL = c.baseURL
	}
	cl, err := c.registry.ClientFor(ctx, cloudflare.Config{BaseURL: baseURL, AccountID: pc.Spec.AccountID, Token: t})
	return cl, errors.Wrapf(err, "cannot make a Cloudflare client for ProviderConfig %q", ref.Name)
}
