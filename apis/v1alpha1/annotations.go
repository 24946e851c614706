package v1alpha1

// AnnotationPrefix starts every annotation this project reads or writes.
const AnnotationPrefix = "cfzt.cloudflare.com/"

// Input annotations on an HTTPRoute, the keys of the operator this project
// replaces.
const (
	AnnotationEnabled           = AnnotationPrefix + "enabled"
	AnnotationTenant            = AnnotationPrefix + "tenant"
	AnnotationHostname          = AnnotationPrefix + "hostname"
	AnnotationTemplate          = AnnotationPrefix + "template"
	AnnotationTunnelID          = AnnotationPrefix + "tunnelId"
	AnnotationDNSIP             = AnnotationPrefix + "dnsIp"
	AnnotationOriginURL         = AnnotationPrefix + "origin.url"
	AnnotationOriginNoTLSVerify = AnnotationPrefix + "origin.noTLSVerify"

	AnnotationAccessEnabled                 = AnnotationPrefix + "access.enabled"
	AnnotationAccessSessionDuration         = AnnotationPrefix + "access.sessionDuration"
	AnnotationAccessAllowGroups             = AnnotationPrefix + "access.allowGroups"
	AnnotationAccessAllowEmails             = AnnotationPrefix + "access.allowEmails"
	AnnotationAccessExistingPolicyNames     = AnnotationPrefix + "access.existingPolicyNames"
	AnnotationAccessAutoRedirectToIdentity  = AnnotationPrefix + "access.autoRedirectToIdentity"
	AnnotationAccessEnableBindingCookie     = AnnotationPrefix + "access.enableBindingCookie"
	AnnotationAccessHTTPOnlyCookieAttribute = AnnotationPrefix + "access.httpOnlyCookieAttribute"
	AnnotationAccessSameSiteCookieAttribute = AnnotationPrefix + "access.sameSiteCookieAttribute"
	AnnotationAccessSkipInterstitial        = AnnotationPrefix + "access.skipInterstitial"
	AnnotationAccessAppLauncherVisible      = AnnotationPrefix + "access.appLauncherVisible"
	AnnotationAccessServiceAuth401Redirect  = AnnotationPrefix + "access.serviceAuth401Redirect"

	AnnotationServiceTokenEnabled         = AnnotationPrefix + "serviceToken.enabled"
	AnnotationServiceTokenDuration        = AnnotationPrefix + "serviceToken.duration"
	AnnotationServiceTokenAttach          = AnnotationPrefix + "serviceToken.attach"
	AnnotationServiceTokenRotate          = AnnotationPrefix + "serviceToken.rotate"
	AnnotationServiceTokenRotateEvery     = AnnotationPrefix + "serviceToken.rotateEvery"
	AnnotationServiceTokenRotationOverlap = AnnotationPrefix + "serviceToken.rotationOverlap"
	AnnotationServiceTokenRefreshBefore   = AnnotationPrefix + "serviceToken.refreshBefore"
)

// InputAnnotations lists every annotation a route may set. Anything else
// under the prefix is either written by us or unknown.
var InputAnnotations = []string{
	AnnotationEnabled, AnnotationTenant, AnnotationHostname, AnnotationTemplate,
	AnnotationTunnelID, AnnotationDNSIP, AnnotationOriginURL, AnnotationOriginNoTLSVerify,
	AnnotationAccessEnabled, AnnotationAccessSessionDuration, AnnotationAccessAllowGroups,
	AnnotationAccessAllowEmails, AnnotationAccessExistingPolicyNames,
	AnnotationAccessAutoRedirectToIdentity, AnnotationAccessEnableBindingCookie,
	AnnotationAccessHTTPOnlyCookieAttribute, AnnotationAccessSameSiteCookieAttribute,
	AnnotationAccessSkipInterstitial, AnnotationAccessAppLauncherVisible,
	AnnotationAccessServiceAuth401Redirect,
	AnnotationServiceTokenEnabled, AnnotationServiceTokenDuration, AnnotationServiceTokenAttach,
	AnnotationServiceTokenRotate, AnnotationServiceTokenRotateEvery,
	AnnotationServiceTokenRotationOverlap, AnnotationServiceTokenRefreshBefore,
}

// Result annotations written back to an HTTPRoute. They are never input.
const (
	AnnotationHostnameRouteID        = AnnotationPrefix + "hostnameRouteId"
	AnnotationCNAMERecordID          = AnnotationPrefix + "cnameRecordId"
	AnnotationDNSRecordID            = AnnotationPrefix + "dnsRecordId"
	AnnotationDNSRecordIP            = AnnotationPrefix + "dnsRecordIp"
	AnnotationAccessAppID            = AnnotationPrefix + "accessAppId"
	AnnotationAccessPolicyIDs        = AnnotationPrefix + "accessPolicyIds"
	AnnotationServiceTokenID         = AnnotationPrefix + "serviceTokenId"
	AnnotationServiceTokenSecretName = AnnotationPrefix + "serviceTokenSecretName"
	AnnotationLastReconcile          = AnnotationPrefix + "lastReconcile"
)

// DefaultOperatorNamespace is where shared Tenants, Templates and the state
// ConfigMaps live unless configured otherwise.
const DefaultOperatorNamespace = "cloudflare-zero-trust"

// Labels of the state ConfigMap, those of the operator this project replaces.
const (
	LabelManagedBy          = "app.kubernetes.io/managed-by"
	LabelManagedByValue     = "cfzt-operator"
	LabelHTTPRouteName      = AnnotationPrefix + "httproute-name"
	LabelHTTPRouteNamespace = AnnotationPrefix + "httproute-namespace"
	LabelTenant             = AnnotationPrefix + "tenant"
)
