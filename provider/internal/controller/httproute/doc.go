// Package httproute is the route controller: it turns annotated Gateway API
// HTTPRoutes into ZeroTrustRoute claims and writes the claims' results back
// to the routes. It runs in the provider binary, a layer above the managed
// resource controllers: it writes claims and never calls Cloudflare.
//
// # Setup
//
// Setup adds the controller and its sweep to a controller-runtime manager
// whose scheme holds AddToScheme's types. Options carry the Logger, the
// OperatorNamespace (default cloudflare-zero-trust, the function's
// operatorNamespace), SweepInitialDelay and SweepInterval (default 60 s and
// 300 s) and an optional Gate. Setup needs the HTTPRoute, claim, Tenant and
// Template kinds to be served; the claim kind exists only once the
// Configuration's XRD is established, so a provider started before it calls
// SetupGated with the provider's CRD gate, which runs Setup when all four
// are served. The controller runs one worker, so that hostname ownership is
// decided one route at a time, and reads claims, routes, Tenants and
// Templates from the manager's cache and state ConfigMaps from a cache of
// the operator namespace only.
//
// # What it does
//
// A route is published when its cfzt.cloudflare.com/enabled annotation is
// "true" and cfzt.cloudflare.com/tenant and cfzt.cloudflare.com/hostname are
// set. For each such route the controller keeps exactly one claim
// (cfzt.cloudflare.com/v1alpha1 ZeroTrustRoute, handled as unstructured) of
// the same name in the route's namespace, controlled by the route with
// blockOwnerDeletion, so that deleting the route deletes the claim through
// the garbage collector, and with it every Cloudflare object. The claim's
// spec is the route reference, the route's input annotations
// (v1alpha1.InputAnnotations; the annotations written back are never
// copied), its first Service backendRef (namespace defaulting to the
// route's) and inputsHash, a hash of the specs of the Tenant and Templates
// (the route's template and base-<tenant>) the route uses, looked up in the
// route's namespace and then the operator namespace. A change of any of them
// changes the hash and so re-renders exactly the claims that use it. Claims
// are written with server-side apply under the field manager
// "cfzt-route-controller", only when they differ from what is wanted, so
// Crossplane's fields are left alone and nothing is written twice.
//
// Removing the enabled annotation, setting it to anything but "true", or
// dropping the tenant or hostname deletes the claim and removes the
// annotations written back. The enabled annotation takes "true" or "false";
// any other value (such as "yes" or "True") unpublishes the route too, and
// gets a Warning Event, InvalidInput, naming the annotation and both values.
//
// From the claim's status the controller writes back to the route the
// hostnameRouteId, cnameRecordId, dnsRecordId, dnsRecordIp, accessAppId,
// accessPolicyIds (a comma list), serviceTokenId and serviceTokenSecretName
// annotations, and lastReconcile (RFC 3339) when, and only when, one of them
// changed. The route watch ignores updates that change only these
// annotations or the route's status, so the controller's own writes never
// trigger it again. The same timestamp goes into the last_reconcile key of
// the route's state ConfigMap (cfzt-<namespace>-<name> in the operator
// namespace), which the composition function composes with every other key;
// the controller applies only last_reconcile, under the field manager
// "cfzt-route-controller/state", and never creates the ConfigMap.
//
// A sweep runs SweepInitialDelay after start and then every SweepInterval
// (60 s and 300 s, as the orphan timer of the operator this project
// replaces). It deletes the state ConfigMaps (label
// app.kubernetes.io/managed-by=cfzt-operator) and the claims the controller
// wrote whose route is gone or no longer published: a provider that was down
// when a route went away, or a route deleted with propagationPolicy=Orphan.
//
// # What the user sees
//
// HTTPRoute status belongs to the Gateway controllers, so the controller
// reports on a route through Events (kubectl describe httproute) and, where
// a claim exists, through the claim's conditions (kubectl get
// zerotrustroute). Events are emitted when something changes, not on every
// reconcile:
//
//   - Published (Normal): the claim became Ready.
//   - AccessAttached, ServiceTokenIssued (Normal): an Access application or a
//     service token ID appeared in the results.
//   - Unpublished (Normal): the controller deleted the route's claim.
//   - The claim's Accepted, Published, Synced or Ready condition turned
//     False for a reason other than progress (Warning, with the condition's
//     reason and message). The function sets Accepted=False when it refuses
//     the route's input, naming the wrong annotation or field, and
//     Published=False when a managed resource reports a problem, naming the
//     resource; Crossplane copies both to the claim.
//
// A route the controller refuses gets a Warning Event and no claim:
//
//   - TenantNotFound: the Tenant is in neither the route's namespace nor the
//     operator namespace. Nothing is created; the route is published as soon
//     as the Tenant appears (the Tenant watch triggers it). The controller
//     does not create a claim for the function to fail on: without the
//     Tenant its fences cannot be checked, and a claim that exists before
//     its Tenant could be rendered by Crossplane between the Tenant's
//     creation and the controller's check. A claim that already exists (the
//     Tenant was deleted) is kept unchanged: no Cloudflare object is deleted
//     for want of a Tenant.
//   - TenantNotAllowed: a Tenant of that name exists, but only in another
//     application namespace. A route uses a Tenant in its own namespace or in
//     the operator namespace, never one in another application namespace.
//     Handled like TenantNotFound.
//   - NamespaceNotAllowed, HostnameNotAllowed: the Tenant's
//     spec.allowedNamespaces or spec.allowedHostnameSuffixes exclude the
//     route. These are policy: an existing claim is deleted (Unpublished).
//   - HostnameConflict: another route owns the hostname; the message names
//     it. A hostname belongs to the first route that claimed it, i.e. the
//     oldest claim carrying it. When no claim carries it, the oldest of the
//     routes asking for it (creationTimestamp, then namespace/name) gets it.
//     The newcomer changes nothing: no claim is created, an existing claim of
//     the newcomer (for its previous hostname) is kept unchanged, and it is
//     published once the owner lets the hostname go.
//   - ClaimNameTaken: a ZeroTrustRoute of the route's name exists that the
//     controller did not write (e.g. one written by hand); it is never
//     touched.
//
// A published route whose Template or base template sets a deprecated field
// that has no effect (spec.tenantRef, spec.originService.httpRedirect) gets
// a Warning Event, DeprecatedField, naming the Template and the fields, once
// per change.
//
// # Permissions
//
// The provider's ServiceAccount needs, for this controller, the rules in
// examples/install/provider-rbac.yaml: get, list, watch and patch on
// gateway.networking.k8s.io httproutes (patch writes only annotations),
// update on httproutes/finalizers (a claim's blockOwnerDeletion owner
// reference needs it where the OwnerReferencesPermissionEnforcement
// admission plugin is on), everything but deletecollection on
// cfzt.cloudflare.com zerotrustroutes, get, list, watch on Tenants and
// Templates, get, list, watch, patch and delete on ConfigMaps, and create
// and patch on Events. Crossplane v2 has no package permission requests:
// its RBAC manager grants a provider its own CRDs (Tenants and Templates
// included) and Secrets, ConfigMaps, Events and Leases; the rest must be
// bound to the provider's ServiceAccount by the installer.
package httproute
