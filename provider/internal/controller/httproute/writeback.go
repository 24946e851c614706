package httproute

import (
	"encoding/json"
	"strings"
	"time"

	"github.com/crossplane/crossplane-runtime/v2/pkg/errors"

	"github.com/cfzt/cfzt/apis/v1alpha1"
)

// resultAnnotations are the annotations written back from a claim's status,
// lastReconcile aside.
var resultAnnotations = []string{
	v1alpha1.AnnotationHostnameRouteID,
	v1alpha1.AnnotationCNAMERecordID,
	v1alpha1.AnnotationDNSRecordID,
	v1alpha1.AnnotationDNSRecordIP,
	v1alpha1.AnnotationAccessAppID,
	v1alpha1.AnnotationAccessPolicyIDs,
	v1alpha1.AnnotationServiceTokenID,
	v1alpha1.AnnotationServiceTokenSecretName,
}

// writtenAnnotations are all the annotations the controller writes.
var writtenAnnotations = append(append([]string{}, resultAnnotations...), v1alpha1.AnnotationLastReconcile)

// results returns the result annotations a claim status stands for. Empty
// values are left out: the route carries only what exists.
func results(st v1alpha1.RouteStatus) map[string]string {
	all := map[string]string{
		v1alpha1.AnnotationHostnameRouteID:        st.HostnameRouteID,
		v1alpha1.AnnotationCNAMERecordID:          st.CNAMERecordID,
		v1alpha1.AnnotationDNSRecordID:            st.DNSRecordID,
		v1alpha1.AnnotationDNSRecordIP:            st.DNSRecordIP,
		v1alpha1.AnnotationAccessAppID:            st.AccessAppID,
		v1alpha1.AnnotationAccessPolicyIDs:        strings.Join(st.AccessPolicyIDs, ","),
		v1alpha1.AnnotationServiceTokenID:         st.ServiceTokenID,
		v1alpha1.AnnotationServiceTokenSecretName: st.ServiceTokenSecretName,
	}
	out := map[string]string{}
	for k, v := range all {
		if v != "" {
			out[k] = v
		}
	}
	return out
}

// resultChanges returns, for each result annotation whose value on the route
// differs from want, the new value ("" to remove it). It is empty when the
// route is up to date, which is what keeps the controller's own writes from
// looping: lastReconcile is written only together with a change here.
func resultChanges(have, want map[string]string) map[string]string {
	changes := map[string]string{}
	for _, k := range resultAnnotations {
		if have[k] != want[k] {
			changes[k] = want[k]
		}
	}
	return changes
}

// stripChanges returns the changes that remove every written annotation the
// route carries, for a route that is no longer published.
func stripChanges(have map[string]string) map[string]string {
	changes := map[string]string{}
	for _, k := range writtenAnnotations {
		if _, ok := have[k]; ok {
			changes[k] = ""
		}
	}
	return changes
}

// lastReconcile formats the time of a write-back.
func lastReconcile(t time.Time) string {
	return t.UTC().Format(time.RFC3339)
}

// annotationPatch returns a JSON merge patch that sets the changed
// annotations and removes those changed to "". It touches nothing else of
// the route.
func annotationPatch(changes map[string]string) ([]byte, error) {
	a := map[string]any{}
	for k, v := range changes {
		if v == "" {
			a[k] = nil
			continue
		}
		a[k] = v
	}
	b, err := json.Marshal(map[string]any{"metadata": map[string]any{"annotations": a}})
	return b, errors.Wrap(err, "cannot encode the annotation patch")
}
