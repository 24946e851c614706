package v1alpha1

import (
	"reflect"

	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/controller-runtime/pkg/scheme"
)

// Package type metadata.
const (
	Group   = "cfzt.cloudflare.com"
	Version = "v1alpha1"
)

var (
	// SchemeGroupVersion is the group version used to register these objects.
	SchemeGroupVersion = schema.GroupVersion{Group: Group, Version: Version}

	// SchemeBuilder is used to add go types to the GroupVersionKind scheme.
	SchemeBuilder = &scheme.Builder{GroupVersion: SchemeGroupVersion}

	// AddToScheme adds the types of this group version to a scheme.
	AddToScheme = SchemeBuilder.AddToScheme
)

func gvk(o any) schema.GroupVersionKind {
	return SchemeGroupVersion.WithKind(reflect.TypeOf(o).Name())
}

// Kind metadata, one block per kind.
var (
	TenantKind                              = reflect.TypeFor[CloudflareZeroTrustTenant]().Name()
	TenantGroupVersionKind                  = gvk(CloudflareZeroTrustTenant{})
	TemplateKind                            = reflect.TypeFor[CloudflareZeroTrustTemplate]().Name()
	TemplateGroupVersionKind                = gvk(CloudflareZeroTrustTemplate{})
	ProviderConfigKind                      = reflect.TypeFor[ProviderConfig]().Name()
	ProviderConfigGroupVersionKind          = gvk(ProviderConfig{})
	ProviderConfigUsageGroupVersionKind     = gvk(ProviderConfigUsage{})
	ProviderConfigUsageListGroupVersionKind = gvk(ProviderConfigUsageList{})
	TunnelRouteKind                         = reflect.TypeFor[TunnelRoute]().Name()
	TunnelRouteGroupVersionKind             = gvk(TunnelRoute{})
	DNSRecordKind                           = reflect.TypeFor[DNSRecord]().Name()
	DNSRecordGroupVersionKind               = gvk(DNSRecord{})
	AccessAppKind                           = reflect.TypeFor[AccessApp]().Name()
	AccessAppGroupVersionKind               = gvk(AccessApp{})
	AccessPolicyKind                        = reflect.TypeFor[AccessPolicy]().Name()
	AccessPolicyGroupVersionKind            = gvk(AccessPolicy{})
	ServiceTokenKind                        = reflect.TypeFor[ServiceToken]().Name()
	ServiceTokenGroupVersionKind            = gvk(ServiceToken{})
)

func init() {
	SchemeBuilder.Register(
		&CloudflareZeroTrustTenant{}, &CloudflareZeroTrustTenantList{},
		&CloudflareZeroTrustTemplate{}, &CloudflareZeroTrustTemplateList{},
		&ProviderConfig{}, &ProviderConfigList{},
		&ProviderConfigUsage{}, &ProviderConfigUsageList{},
		&TunnelRoute{}, &TunnelRouteList{},
		&DNSRecord{}, &DNSRecordList{},
		&AccessApp{}, &AccessAppList{},
		&AccessPolicy{}, &AccessPolicyList{},
		&ServiceToken{}, &ServiceTokenList{},
	)
}
